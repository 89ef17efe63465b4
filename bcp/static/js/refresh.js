// Refreshes the parts of a page marked data-refresh-url every data-refresh-seconds, replacing only
// their content: forms elsewhere on the page, and what the agent is typing, are left alone.
(function () {
  document.querySelectorAll("[data-refresh-url]").forEach(function (region) {
    var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 10;
    var url = region.getAttribute("data-refresh-url");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "refresh" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) {
          if (region.contains(document.activeElement) && document.activeElement.tagName !== "BODY") {
            return; // the agent is using a control inside the region: try again next time
          }
          if (region.querySelector("input[type=checkbox]:checked")) {
            return; // the agent is ticking rows to act on: keep them until they do
          }
          region.innerHTML = html;
          region.setAttribute("data-refreshed-at", new Date().toISOString());
        })
        .catch(function () { region.setAttribute("data-refresh-error", "1"); })
        .finally(function () { setTimeout(tick, seconds * 1000); });
    }
    setTimeout(tick, seconds * 1000);
  });
})();
