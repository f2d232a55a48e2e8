/* Dialoge chat widget loader. Reads its own data-* attributes, draws the launcher, mounts the WebAssembly app in an open
 * shadow root when it is wanted, and installs window.Dialoge. Kept tiny and dependency-free:
 * it runs on every page of a shop. */
// Written in what every browser that can run the app has (arrows, rest and spread are older than
// the `import()` it needs), and for brotli: scripts/minify-loader.mjs minifies it, and
// `node bench/loader-margin.mjs --source` measures it against the 2 KB gate.
// P: "preview/" in the shipped Dialoge build, where the branding preview is its own build in that
// folder (a shop's visitors never download it); "" where the app has the preview in it.
// V: "?v=<hash>" at build (scripts/minify-loader.mjs), "" in development: the app's files are asked
// for by version, so they may be cached for long. It is the last argument so that its digits come
// last in the minified file too, where they disturb brotli least (bench/loader-margin.mjs).
(function (w, d, P, V) {
  "use strict";
  var me = d.currentScript;
  var prev = w.Dialoge;
  // Safe to include twice: the second copy is a no-op.
  if (!me || (prev && prev.loaded)) return;

  var base = new URL(".", me.src).href;
  var queue = (prev && prev.q) || [];
  var app = null; // the wasm handle once mounted
  var host = null;
  var subs = [];
  // data-chatbot-id → chatbotId; every attribute is passed through as a string.
  var opts = copy({}, me.dataset);

  function copy(to, from) {
    for (var k in from) to[k] = from[k];
    return to;
  }

  function Dialoge(cmd, ...args) {
    if (cmd === "on" || cmd === "off") return sub(cmd, ...args);
    if (cmd === "boot") return copy(opts, args[0]), start();
    if (cmd === "destroy") return destroy();
    // Before the app: queued, and a reason to fetch it now.
    if (!app) return queue.push([cmd, ...args]), fetchApp();
    return app.command(String(cmd), args[0]);
  }

  // Events are window CustomEvents named dialoge:<event>; on/off wrap them so a
  // callback receives the detail, and off finds the same wrapper again.
  function sub(cmd, ev, cb) {
    if (typeof cb !== "function") return;
    var name = "dialoge:" + ev;
    if (cmd === "on") {
      var fn = (e) => cb(e.detail);
      subs.push([name, cb, fn]);
      w.addEventListener(name, fn);
    } else {
      subs = subs.filter((s) => s[0] !== name || s[1] !== cb || w.removeEventListener(name, s[2]));
    }
  }

  function destroy() {
    if (app) app.command("destroy");
    app = null;
    if (host) host.remove();
    host = root = null;
    w.removeEventListener("load", idle);
    subs.forEach((s) => w.removeEventListener(s[0], s[2]));
    subs = [];
    if (unfit) unfit();
    delete w.Dialoge;
  }

  // Until the app is wanted, the loader draws the launcher itself (from the `look` the app
  // left in storage: brand colours, label, unread count) with a stylesheet built here — the
  // CSSOM, which a strict CSP allows (no inline styles). The app (glue, wasm, stylesheet) is
  // fetched when the page is idle after `load`, or at once on intent: a pointer over or focus
  // on the launcher, a click, `data-open`/`?chat=open`, a queued command, a person to resume.
  var loading = null, from; // the app on its way, and the folder it comes from
  var gen = 0; // only the latest start() mounts, however many boot calls raced
  var root, mount, wrap, lb, frame, unfit, look = {}, wanted = false, idled = false;
  // (The loading frame's height is the panel's, its 56px top border included.)
  var SHEET = ":host{all:initial}[hidden]{display:none!important}" +
    ".r{position:fixed;bottom:20px;right:20px;z-index:2147483000;display:grid;justify-items:end;gap:12px;font:12px system-ui,sans-serif}" +
    ".l{right:auto;left:20px;justify-items:start}" +
    "button{position:relative;width:56px;height:56px;border:0;border-radius:50%;background:var(--c,#0b5fff);color:var(--f,#fff);box-shadow:0 6px 20px #0003;cursor:pointer;display:grid;place-items:center}" +
    "svg{width:26px;fill:currentColor}" +
    "span{position:absolute;top:-4px;right:-4px;min-width:20px;padding:0 6px;border-radius:10px;background:#b91c1c;color:#fff;font-weight:700;line-height:20px}" +
    "div div{width:min(400px,calc(100vw - 40px));height:min(584px,calc(100vh - 166px));border-radius:16px;background:#fff;border-top:56px solid var(--c,#0b5fff);box-shadow:0 12px 40px #0004}";
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, ns) {
    var e = ns ? d.createElementNS(ns, tag) : d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  // Where the app's files are: a preview's come from its own build. (Any `preview` option counts
  // here, `data-preview="false"` too: that build has the whole chat as well, so a preview the app
  // reads as off still works; it only costs that download.)
  function dir() {
    return base + ("preview" in opts ? P : "");
  }

  function paint() {
    var id = opts.chatbotId || opts.scenarioId, st, sheet;
    try {
      st = opts.storage === "none" ? null : opts.storage === "session" ? w.sessionStorage : w.localStorage;
      look = JSON.parse(st.getItem("dialoge:" + id + ":look")) || {};
    } catch (e) { look = {}; }
    try { sheet = new CSSStyleSheet(); sheet.replaceSync(SHEET); root.adoptedStyleSheets = [sheet]; }
    catch (e) { return fetchApp(); } // no constructable stylesheets: the app draws it all
    var dark = w.matchMedia("(prefers-color-scheme: dark)").matches;
    wrap = el("div", { class: opts.position === "left" ? "r l" : "r" });
    [["--c", dark && look.dc || look.c], ["--f", dark && look.df || look.f]].forEach((p) => {
      // Only `#hex` (what the app writes): nothing else from storage reaches the style.
      if (/^#[\da-f]{3,8}$/i.test(p[1])) wrap.style.setProperty(p[0], p[1]);
    });
    lb = el("button", { type: "button", "data-testid": "launcher", "aria-label": look.o || "Open chat", "aria-expanded": "false" });
    var svg = el("svg", { viewBox: "0 0 24 24", "aria-hidden": "true" }, SVG);
    svg.append(el("path", { d: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" }, SVG));
    lb.append(svg);
    var n = look.u | 0;
    if (n > 0) {
      var b = el("span", { "data-testid": "launcher-badge" });
      b.textContent = n;
      lb.append(b);
    }
    lb.onpointerover = lb.onfocus = fetchApp;
    // A click opens a loading frame at once (the app's panel replaces it, open, when it comes);
    // focus goes into it as it will into the panel, so that Escape closes it wherever the
    // browser left focus after the click, and returns focus to the launcher, as the panel does.
    lb.onclick = () => {
      fetchApp();
      wanted = !wanted;
      lb.setAttribute("aria-expanded", wanted);
      if (!frame) wrap.prepend(frame = el("div", { role: "dialog", "aria-label": look.o || "Chat", tabindex: "-1", "data-testid": "panel-loading" }));
      frame.hidden = !wanted;
      if (wanted) frame.focus();
    };
    wrap.onkeydown = (e) => {
      if (wanted && e.key === "Escape") lb.click(), lb.focus();
    };
    wrap.hidden = opts.hidden === "true" || opts.hidden === "";
    wrap.append(lb);
    root.append(wrap);
  }

  function fetchApp() {
    if (loading || !root) return;
    // One folder for every file of this fetch (glue and wasm must be one build's), by version.
    var at = (file) => from + file + V;
    from = dir();
    var css = el("link", { rel: "stylesheet", href: at("dialoge.css") });
    var styled = new Promise((r) => (css.onload = css.onerror = r));
    root.append(css);
    loading = Promise.all([
      import(at("dialoge-widget.js")).then((m) => m.default({ module_or_path: at("dialoge-widget_bg.wasm") }).then(() => m)),
      styled,
      import(at("dialoge-phone.js")),
    ]).then((a) => {
      if (host && !unfit) unfit = a[2].default(host);
      return a[0];
    });
    mountWhenReady(gen);
  }

  function mountWhenReady(my) {
    loading.then((m) => {
      if (!host || my !== gen) return;
      if (app) app.command("destroy");
      // The painted launcher gives way to the app's in the same task: never two, no flash.
      var focused = root.activeElement === lb;
      if (wrap) wrap.remove();
      wrap = lb = frame = null;
      root.adoptedStyleSheets = []; // its bare selectors would reach the app's elements
      app = m.mount(mount, opts);
      var q = queue;
      queue = [];
      if (wanted) q.unshift(["open"]);
      wanted = false;
      q.forEach((a) => Dialoge(...a));
      var l = focused && root.querySelector("[data-testid=launcher]");
      if (l) l.focus();
    }).catch((e) => {
      console.error("[dialoge] failed to start", e);
    });
  }

  function start() {
    // A site that boots through JS may leave data-chatbot-id off the tag (an OpenDialog
    // scenario names itself with data-scenario-id; a branding preview needs no chatbot).
    if (!opts.chatbotId && !opts.scenarioId && !("preview" in opts)) return;
    var my = ++gen;
    opts.t = performance.now(); // popup teasers count their delays from here
    if (!host) {
      host = el("div", { "data-dialoge": "" });
      root = host.attachShadow({ mode: "open" });
      root.append(mount = el("div"));
      (d.body || d.documentElement).append(host);
      paint();
    }
    var o = opts.open;
    // A boot that turns a mounted shop widget into a preview (or back) wants the other build.
    if (from !== dir()) loading = null;
    if (loading) mountWhenReady(my);
    else if (idled || queue.length || look.l || "preview" in opts || o === "" || o === "true" || /[?&]chat=open\b/.test(location.search)) fetchApp();
  }

  function idle() {
    idled = true;
    // Where there is no requestIdleCallback (Safari), a timeout: its delay reads the options
    // object as 0 ms, and both run on the window as their `this` when called bare.
    (w.requestIdleCallback || setTimeout)(fetchApp, { timeout: 2000 });
  }
  if (d.readyState === "complete") idle();
  else w.addEventListener("load", idle);

  "open close toggle show hide send setContext reset destroy on off boot preview previewScene".split(" ")
    .forEach((n) => (Dialoge[n] = (...a) => Dialoge(n, ...a)));
  Dialoge.loaded = true;
  w.Dialoge = Dialoge;

  // Subscriptions and boot calls queued by the stub run now; the rest wait for the app.
  var early = queue;
  queue = [];
  early.forEach((a) => Dialoge(...a));
  start();
})(window, document, "", "");
