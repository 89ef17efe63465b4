// Keeps the incident page current. Every few seconds it asks the incident's version with the
// ETag of the last answer; the server answers 304 while nothing changed (docs/ui.md says why
// polling rather than server-sent events). When the incident changed: a page in a tab the
// person is not looking at reloads itself, so it is current when they come back; a page they
// are looking at says so, with a link to reload it, rather than reloading under their finger
// as they click or type.
(function () {
  var live = document.querySelector("[data-live-url]");
  if (!live) { return; }
  var url = live.getAttribute("data-live-url");
  var seconds = parseInt(live.getAttribute("data-live-seconds"), 10) || 10;
  var etag = null, first = true;
  function typing() {
    return Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text]"),
      function (field) { return field.value.trim() !== ""; });
  }
  function tick() {
    var headers = { "X-Requested-With": "refresh" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { credentials: "same-origin", headers: headers })
      .then(function (response) {
        if (response.status === 304) { return; }
        if (!response.ok) { throw new Error(response.status); }
        var changed = !first && response.headers.get("ETag") !== etag;
        etag = response.headers.get("ETag");
        first = false;
        if (!changed) { return; }
        if (document.visibilityState === "hidden" && !typing()) {
          window.location.reload();
        } else {
          live.hidden = false;  // "this incident has changed: reload the page"
        }
      })
      .catch(function () { live.setAttribute("data-live-error", "1"); })
      .finally(function () { setTimeout(tick, seconds * 1000); });
  }
  tick();
})();
