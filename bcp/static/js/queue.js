// The desk's queue: the number waiting in the tab's title, and, when the agent asks for it, a
// short sound for each new incident. The choice is kept on the server for the agent (off by
// default), so it follows them to another browser. The rows are refreshed by refresh.js.
(function () {
  var queue = document.getElementById("queue");
  var toggle = document.getElementById("queue-sound");
  if (!queue) { return; }
  var audio = null;
  function ids() {
    return Array.prototype.map.call(queue.querySelectorAll("tr[data-incident]"),
      function (row) { return row.getAttribute("data-incident"); });
  }
  function beep() {
    if (!audio) { return; }
    var tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  }
  if (toggle) {
    toggle.addEventListener("change", function () {
      var body = new URLSearchParams({ on: toggle.checked ? "1" : "0" });
      fetch(toggle.getAttribute("data-save"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": toggle.getAttribute("data-csrf") }
      }).then(function (response) {
        if (!response.ok) { toggle.checked = !toggle.checked; }  // not saved: say so by undoing
      }, function () { toggle.checked = !toggle.checked; });
      if (toggle.checked && !audio && window.AudioContext) { audio = new AudioContext(); beep(); }
    });
    // A browser lets a page play sound only after a gesture on it: the first click allows it.
    document.addEventListener("click", function () {
      if (toggle.checked && !audio && window.AudioContext) { audio = new AudioContext(); }
    }, { once: true });
  }
  var known = ids();
  new MutationObserver(function () {
    var heading = queue.querySelector("[data-title]");
    if (heading) { document.title = heading.getAttribute("data-title"); }
    var now = ids();
    var arrived = now.some(function (id) { return known.indexOf(id) < 0; });
    known = now;
    if (arrived && toggle && toggle.checked) { beep(); }
  }).observe(queue, { childList: true });
})();
