// Search over the embedded index. Article text is hostile: it is only ever set as textContent.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  var source = document.getElementById("search-index");
  document.querySelectorAll("input.layer-toggle").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("off-" + box.value, !box.checked);
    });
  });
  if (!input || !list || !source) { return; }
  var index = JSON.parse(source.textContent);
  var byId = {};
  index.articles.forEach(function (a) { byId[a[0]] = a; });
  function item(href, label, detail) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.setAttribute("href", href);
    link.textContent = label;
    li.appendChild(link);
    if (detail) { li.appendChild(document.createTextNode(" — " + detail)); }
    return li;
  }
  function search() {
    var query = input.value.trim().toLowerCase();
    list.replaceChildren();
    list.hidden = query.length < 2;
    if (list.hidden) { return; }
    var found = 0;
    index.articles.forEach(function (a) {
      if (found < 50 && (a[1] + " " + a[2]).toLowerCase().indexOf(query) >= 0) {
        list.appendChild(item("#a-" + a[0], a[1], a[2])); found += 1;
      }
    });
    index.claims.forEach(function (c) {
      if (found < 50 && c[2].toLowerCase().indexOf(query) >= 0) {
        var art = byId[c[1]];
        list.appendChild(item("#c-" + c[0], c[2], art ? art[2] : "")); found += 1;
      }
    });
    if (!found) { list.appendChild(item("#overview", "nothing found", "")); }
  }
  input.addEventListener("input", search);
  list.addEventListener("click", function () { list.hidden = true; });
}());
