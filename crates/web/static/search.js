// Search as you type: asks /search/suggest and shows links under the box.
// The search form still works without this script.
(function () {
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-suggestions");
  if (!box || !list) return;
  var timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = box.value.trim();
      if (q.length < 2) { list.innerHTML = ""; return; }
      fetch("/search/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { list.innerHTML = html; });
    }, 120);
  });
})();
