// Small progressive enhancements; every page works without this file.
//  - Search as you type: asks /search/suggest and shows links under the box;
//    arrow keys move through them, Escape or a click elsewhere closes them.
//  - Forms with data-confirm ask before they are sent (deletes).
//  - A data-select-all checkbox ticks every checkbox of that name (the
//    review list).
//  - Menus: one open at a time; a click elsewhere or Escape closes them.
//  - Times come from the server in UTC; they are shown in the browser's
//    time zone, and an activity's time is typed in it and sent as UTC.
(function () {
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var local = function (d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  };
  var utcInput = function (d) {
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  };
  Array.prototype.forEach.call(document.querySelectorAll("time[datetime]"), function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) return;
    t.title = t.textContent;
    t.textContent = local(d);
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[type=datetime-local][name=occurred_at]"), function (input) {
    var given = input.value && new Date(input.value + "Z");
    if (given && !isNaN(given)) input.value = local(given).replace(" ", "T");
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) label.textContent = "When (your time)";
    input.form.addEventListener("submit", function () {
      var typed = input.value && new Date(input.value);
      if (typed && !isNaN(typed)) input.value = utcInput(typed);
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), function (all) {
    var name = all.getAttribute("data-select-all");
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(all.form.querySelectorAll("input[type=checkbox][name='" + name + "']"), function (box) {
        box.checked = all.checked;
      });
    });
  });

  var box = document.getElementById("search-box");
  var list = document.getElementById("search-suggestions");
  if (box && list) {
    var timer = null;
    var close = function () { list.innerHTML = ""; };
    var links = function () { return Array.prototype.slice.call(list.querySelectorAll("a")); };
    var move = function (step) {
      var all = links();
      if (!all.length) return;
      var current = all.indexOf(list.querySelector("a.active"));
      if (current >= 0) all[current].classList.remove("active");
      var next = all[(current + step + all.length) % all.length];
      next.classList.add("active");
      next.focus();
    };
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = box.value.trim();
        if (q.length < 2) { close(); return; }
        fetch("/search/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { list.innerHTML = html; });
      }, 120);
    });
    var keys = function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { close(); box.focus(); }
    };
    box.addEventListener("keydown", keys);
    list.addEventListener("keydown", keys);
    document.addEventListener("click", function (event) {
      if (!list.contains(event.target) && event.target !== box) close();
    });
  }
  // Menus: one open at a time; a click elsewhere or Escape closes them.
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.menu"));
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) menus.forEach(function (other) { if (other !== menu) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  });
  // A link shown once is selected when focused, ready to copy.
  Array.prototype.forEach.call(document.querySelectorAll("input.copy-link"), function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
