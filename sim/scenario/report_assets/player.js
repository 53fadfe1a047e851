// The step-through player: one cursor in time that moves through the
// timeline, the message diagram, the narration and the event log together.
// Play, pause, step to the next (or previous) event, message or narration
// line, choose a speed, drag the slider; click a mark, an arrow, a log row
// or a narration line to put the cursor there. The moment is kept in the
// address (#event=I, #message=N or #t=S) so it can be shared and reopened.
// Reads report.js's and diagram.js's window.SimReport; no libraries.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var R = window.SimReport || {}, TL = R.timeline, DG = R.diagram;
  var box = document.getElementById("player");
  if (!box || !TL) { return; }
  var NS = "http://www.w3.org/2000/svg";
  var T = Math.max(D.duration || 0, 0.001);
  var events = D.events.slice().sort(function (a, b) { return a.t - b.t; });
  var arrows = DG ? DG.arrows : [];
  var SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10];
  var st = { t: 0, ev: -1, msg: -1, playing: false, speed: 1, last: 0 };
  var lit = [];  // the elements highlighted as "current"

  function isSay(e) { return e.kind === "say" && e.daemon === "scenario"; }
  function msgVisible(a) { return !DG || !DG.visible || DG.visible(a); }

  // index of the last item whose time is <= t (-1: none); items sorted by time
  function lastAtOrBefore(list, key, t) {
    var lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid][key] <= t + 1e-9) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function cursorLine(svg, x, top) {
    var line = svg.querySelector("line.cursor");
    if (!line) {
      line = document.createElementNS(NS, "line");
      line.setAttribute("class", "cursor");
      svg.appendChild(line);
    }
    var h = svg.getAttribute("height");
    line.setAttribute("x1", x);
    line.setAttribute("x2", x);
    line.setAttribute("y1", top - 6);
    line.setAttribute("y2", h - 4);
    return line;
  }

  function light(nodes) {
    nodes.forEach(function (n) { if (n) { n.classList.add("current"); lit.push(n); } });
  }

  function describeEvent(e) {
    var data = Object.keys(e).filter(function (k) {
      return ["stamp", "daemon", "kind", "t", "i", "cat"].indexOf(k) < 0;
    }).map(function (k) { return k + "=" + JSON.stringify(e[k]); }).join(" ");
    return "+" + e.t.toFixed(3) + "s " + e.daemon + " " + e.kind + (data ? " " + data : "");
  }

  function diagramCursor(svg) {
    if (!svg || !DG) { return; }
    var line = cursorLine(svg, DG.x(st.t), DG.top);
    line.style.display = DG.inWindow(st.t) ? "" : "none";
    var a = svg.querySelector('[data-arrow="' + st.msg + '"]');
    if (a) { light([a]); }
  }

  function keepInView(row) {
    var logbox = document.getElementById("logbox");
    if (!row || !logbox || row.style.display === "none") { return; }
    var top = row.offsetTop, h = logbox.clientHeight;
    if (top < logbox.scrollTop || top > logbox.scrollTop + h - row.offsetHeight) {
      logbox.scrollTop = Math.max(0, top - h / 2);
    }
  }

  function render() {
    lit.forEach(function (n) { n.classList.remove("current"); });
    lit = [];
    cursorLine(TL.svg, TL.x(st.t), TL.top);
    var e = st.ev >= 0 ? events[st.ev] : null;
    var say = -1;
    for (var i = st.ev; i >= 0; i--) { if (isSay(events[i])) { say = i; break; } }
    if (e) {
      var row = document.getElementById("ev-" + e.i);
      light([row]);
      light(Array.prototype.slice.call(TL.svg.querySelectorAll('[data-event="' + e.i + '"]')));
      keepInView(row);
    }
    if (say >= 0) {
      light([document.querySelector('.narration li[data-event="' + events[say].i + '"]')]);
    }
    if (DG) { diagramCursor(DG.svg()); }
    slider.value = String(Math.round(st.t / T * 1000));
    clock.textContent = "+" + st.t.toFixed(3) + "s / " + T.toFixed(1) + "s";
    evText.textContent = e ? describeEvent(e) : "(before the first event)";
    msgText.textContent = st.msg >= 0 ? DG.describe(arrows[st.msg]) : "(no message yet)";
    sayText.textContent = say >= 0 ? events[say].text || "" : "";
    playBtn.textContent = st.playing ? "❚❚ pause" : "▶ play";
    var html = document.documentElement;
    html.setAttribute("data-player-t", st.t.toFixed(3));
    html.setAttribute("data-player-event", e ? String(e.i) : "");
    html.setAttribute("data-player-message", st.msg >= 0 ? String(st.msg) : "");
    html.setAttribute("data-player-say", say >= 0 ? String(events[say].i) : "");
  }

  function remember() {
    var h = st.ev >= 0 && events[st.ev].t === st.t ? "#event=" + events[st.ev].i
      : st.msg >= 0 && arrows[st.msg].t0 === st.t ? "#message=" + st.msg : "#t=" + st.t.toFixed(3);
    try { history.replaceState(null, "", h); } catch (err) { /* file:// in some browsers */ }
  }

  function seek(t) {
    st.t = Math.max(0, Math.min(t, T));
    st.ev = lastAtOrBefore(events, "t", st.t);
    st.msg = lastAtOrBefore(arrows, "t0", st.t);
    while (st.msg >= 0 && !msgVisible(arrows[st.msg])) { st.msg--; }
    render();
  }

  function toEvent(k) {
    if (k < 0 || k >= events.length) { return; }
    seek(events[k].t);
    st.ev = k;
    render();
    remember();
  }

  function toMessage(k) {
    if (k < 0 || k >= arrows.length) { return; }
    seek(arrows[k].t0);
    st.msg = k;
    render();
    remember();
  }

  function stepEvent(dir, pick) {
    for (var k = st.ev + dir; k >= 0 && k < events.length; k += dir) {
      if (!pick || pick(events[k])) { pause(); toEvent(k); return; }
    }
  }

  function stepMessage(dir) {
    for (var k = st.msg + dir; k >= 0 && k < arrows.length; k += dir) {
      if (msgVisible(arrows[k])) { pause(); toMessage(k); return; }
    }
  }

  function frame(now) {
    if (!st.playing) { return; }
    var dt = Math.min((now - st.last) / 1000, 0.25);
    st.last = now;
    seek(st.t + dt * st.speed);
    if (st.t >= T) { pause(); return; }
    window.requestAnimationFrame(frame);
  }

  function play() {
    if (st.t >= T) { seek(0); }
    st.playing = true;
    st.last = window.performance.now();
    render();
    window.requestAnimationFrame(frame);
  }

  function pause() {
    if (st.playing) { st.playing = false; render(); remember(); }
  }

  function button(text, title, action) {
    var b = el("button", { type: "button", title: title }, bar, text);
    b.addEventListener("click", action);
    return b;
  }

  var bar = el("div", { "class": "pbar" }, box);
  button("|◀ start", "to the start (Home)", function () { pause(); seek(0); remember(); });
  button("◀ event", "previous event (←)", function () { stepEvent(-1); });
  var playBtn = button("▶ play", "play / pause (space)", function () { if (st.playing) { pause(); } else { play(); } });
  button("event ▶", "next event (→)", function () { stepEvent(1); });
  button("◀ message", "previous message shown in the diagram (shift+←)", function () { stepMessage(-1); });
  button("message ▶", "next message shown in the diagram (shift+→)", function () { stepMessage(1); });
  button("narration ▶", "next narration line (n)", function () { stepEvent(1, isSay); });
  var speed = el("select", { title: "playback speed (× real time)" }, bar);
  SPEEDS.forEach(function (s) { el("option", { value: s }, speed, s + "×"); });
  speed.value = "1";
  speed.addEventListener("change", function () { st.speed = parseFloat(speed.value) || 1; });
  var slider = el("input", { type: "range", min: 0, max: 1000, value: 0, "class": "pslider", title: "time" }, bar);
  slider.addEventListener("input", function () { pause(); seek(parseInt(slider.value, 10) / 1000 * T); remember(); });
  var clock = el("span", { "class": "pclock" }, bar);
  var info = el("div", { "class": "pinfo" }, box);
  el("b", {}, info, "event ");
  var evText = el("span", { "class": "pevent" }, info);
  el("br", {}, info);
  el("b", {}, info, "message ");
  var msgText = el("span", { "class": "pmessage" }, info);
  el("br", {}, info);
  el("b", {}, info, "narration ");
  var sayText = el("span", { "class": "psay" }, info);

  function eventIndexOf(i) {
    for (var k = 0; k < events.length; k++) { if (events[k].i === i) { return k; } }
    return -1;
  }
  function onEventClick(evt) {
    var node = evt.target.closest("[data-event]") || evt.target.closest("tr[id^='ev-']");
    if (!node) { return; }
    var i = parseInt(node.getAttribute("data-event") || node.id.slice(3), 10);
    var k = eventIndexOf(i);
    if (k >= 0) { pause(); toEvent(k); }
  }
  TL.svg.addEventListener("click", onEventClick);
  document.querySelector("table.log tbody").addEventListener("click", onEventClick);
  document.querySelector(".narration").addEventListener("click", onEventClick);
  if (DG) {
    DG.onDraw.push(diagramCursor);
    document.getElementById("diagram").addEventListener("click", function (evt) {
      var a = evt.target.closest("[data-arrow]");
      if (a) { pause(); toMessage(parseInt(a.getAttribute("data-arrow"), 10)); }
    });
  }
  document.addEventListener("keydown", function (evt) {
    var tag = (evt.target && evt.target.tagName) || "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    if (evt.key === " ") { if (st.playing) { pause(); } else { play(); } }
    else if (evt.key === "ArrowRight") { if (evt.shiftKey) { stepMessage(1); } else { stepEvent(1); } }
    else if (evt.key === "ArrowLeft") { if (evt.shiftKey) { stepMessage(-1); } else { stepEvent(-1); } }
    else if (evt.key === "Home") { pause(); seek(0); }
    else if (evt.key === "n") { stepEvent(1, isSay); }
    else { return; }
    evt.preventDefault();
  });

  // the moment in the address: #event=I (the log's ev-I), #message=N, #t=S
  var m = /^#(event|message|t)=([0-9.]+)$/.exec(window.location.hash || "");
  if (m && m[1] === "event") { toEvent(eventIndexOf(parseInt(m[2], 10))); }
  else if (m && m[1] === "message") { toMessage(parseInt(m[2], 10)); }
  else if (m) { seek(parseFloat(m[2])); }
  else { seek(0); }
  document.documentElement.setAttribute("data-player", "ok");
  document.documentElement.setAttribute("data-player-stops", String(events.length + arrows.length));
})();
