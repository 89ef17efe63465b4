// Keeps every [data-deadline] saying how long is left ("in 1 h 20 min", "late by 5 min") without
// a reload; the words come from the page's language.
(function () {
  var fr = document.documentElement.lang === "fr";
  // The server's clock, not the browser's: a page says data-now, the moment it was made.
  var stamped = document.querySelector("[data-now]");
  var offset = stamped ? Date.parse(stamped.getAttribute("data-now")) - Date.now() : 0;
  function span(seconds) {
    var minutes = Math.floor(seconds / 60), days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    if (days) { return days + " j " + hours + " h"; }
    if (hours) { return hours + " h " + rest + " min"; }
    return rest + " min";
  }
  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-deadline")) - now) / 1000);
      var text = span(Math.abs(left));
      el.textContent = left >= 0 ? (fr ? "dans " : "in ") + text : (fr ? "en retard de " : "late by ") + text;
      el.classList.toggle("overdue", left < 0);
    });
    // [data-since]: how long since a moment (an incident's start), counting up.
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Math.round((now - Date.parse(el.getAttribute("data-since"))) / 1000);
      el.textContent = span(Math.max(since, 0));
    });
  }
  tick();
  setInterval(tick, 30000);
})();

