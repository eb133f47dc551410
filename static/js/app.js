// Progressive enhancement for the server-rendered pages: every page works without this file.
// 1. the phone menu, 2. uploads with previews and per-file progress, 3. the gallery viewer
// (large view, 100% zoom, side-by-side compare, keyboard), 4. select-all for bulk approve.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function announce(text) {
    var region = document.getElementById("messages");
    if (!region) return;
    region.innerHTML = "";
    var list = document.createElement("ul");
    list.className = "messages";
    var item = document.createElement("li");
    item.textContent = text;
    list.appendChild(item);
    region.appendChild(list);
  }

  // 1. Menu ---------------------------------------------------------------
  function setupMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("site-nav");
    if (!toggle || !nav) return;
    toggle.addEventListener("click", function () {
      var open = nav.getAttribute("data-open") !== "true";
      nav.setAttribute("data-open", String(open));
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // 2. Uploads ------------------------------------------------------------
  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form) return;
    var inputs = form.querySelectorAll("input[type=file]");
    var list = document.getElementById("upload-list");
    var submit = form.querySelector("button[type=submit]");
    var zone = form.querySelector(".dropzone");
    var chosen = [];

    function render() {
      list.innerHTML = "";
      chosen.forEach(function (file, index) {
        var item = document.createElement("li");
        item.className = "upload";
        item.id = "upload-" + index;
        var img = document.createElement("img");
        img.alt = "Preview of " + file.name;
        img.src = URL.createObjectURL(file);
        var body = document.createElement("div");
        var name = document.createElement("div");
        name.className = "name";
        name.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
        var bar = document.createElement("progress");
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute("aria-label", "Upload progress of " + file.name);
        var state = document.createElement("div");
        state.className = "state muted";
        state.textContent = "Ready to upload";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary remove";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove " + file.name + " before uploading");
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          render();
        });
        body.appendChild(name);
        body.appendChild(bar);
        body.appendChild(state);
        body.appendChild(remove);
        item.appendChild(img);
        item.appendChild(body);
        list.appendChild(item);
      });
      submit.textContent = chosen.length ? "Upload " + chosen.length + " photo" + (chosen.length > 1 ? "s" : "") : "Upload";
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (f) { chosen.push(f); });
      render();
    }

    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        add(input.files);
        // The files now live in `chosen`; the inputs stay empty so a second pick adds to the list.
        input.value = "";
        input.required = false;
      });
    });
    if (zone) {
      zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("dragover"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("dragover"); });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        zone.classList.remove("dragover");
        add(e.dataTransfer.files);
      });
    }

    function send(file, index) {
      return new Promise(function (resolve) {
        var item = document.getElementById("upload-" + index);
        var bar = item.querySelector("progress");
        var state = item.querySelector(".state");
        var data = new FormData();
        data.append("photos", file, file.name);
        data.append("csrfmiddlewaretoken", csrfToken());
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("HX-Request", "true");
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 90);
        });
        var remove = item.querySelector("button.remove");
        if (remove) remove.remove();
        xhr.upload.addEventListener("load", function () { state.textContent = "Checking the photo…"; });
        xhr.addEventListener("load", function () {
          bar.value = 100;
          if (xhr.status >= 200 && xhr.status < 300) {
            if (xhr.responseText.indexOf("data-refused") !== -1) {
              // Refused: keep the preview beside the reason, and list it first.
              item.classList.add("failed");
              item.querySelector("div").innerHTML = xhr.responseText;
              list.insertBefore(item, list.firstChild);
            } else {
              item.setAttribute("data-done", "true");
              state.textContent = "Uploaded; the checklist result is below.";
            }
          } else {
            state.textContent = "The upload failed (" + xhr.status + "). Try again.";
            state.className = "state bad";
          }
          resolve();
        });
        xhr.addEventListener("error", function () {
          state.textContent = "The connection dropped. Check your network and try again.";
          state.className = "state bad";
          resolve();
        });
        xhr.send(data);
      });
    }

    form.addEventListener("submit", function (e) {
      if (!chosen.length) return; // no files picked: let the server say so
      e.preventDefault();
      submit.disabled = true;
      var files = chosen;
      chosen = [];
      var run = Promise.resolve();
      files.forEach(function (file, index) { run = run.then(function () { return send(file, index); }); });
      run.then(function () {
        submit.disabled = false;
        submit.textContent = "Upload";
        var refused = list.querySelectorAll(".failed").length;
        list.querySelectorAll("[data-done]").forEach(function (done) { done.remove(); });
        announce(refused ? refused + " photo" + (refused > 1 ? "s were" : " was") + " not uploaded: see why at the top of the list."
                         : "Upload finished: each photo's checklist is beside it.");
        var area = document.getElementById("selfie-area");
        if (area && window.htmx) window.htmx.trigger(area, "refresh");
      });
    });
  }

  // 3. Gallery viewer -------------------------------------------------------
  function setupGallery() {
    var dialog = document.getElementById("viewer");
    if (!dialog) return;
    var stage = dialog.querySelector(".stage");
    var title = dialog.querySelector(".title");
    var zoom = dialog.querySelector("[data-action=zoom]");
    var items = [];
    var current = 0;
    var compare = [];

    function collect() {
      items = Array.prototype.slice.call(document.querySelectorAll("[data-view]"));
    }

    function pane(el) {
      var box = document.createElement("figure");
      box.className = "pane";
      box.tabIndex = 0; // at 100% the pane scrolls: keyboard users must reach it
      var img = document.createElement("img");
      img.src = el.getAttribute("data-full");
      img.alt = el.getAttribute("data-alt") || "";
      var cap = document.createElement("figcaption");
      cap.textContent = el.getAttribute("data-caption") || "";
      box.appendChild(cap);
      box.appendChild(img);
      return box;
    }

    function show(els, label) {
      stage.innerHTML = "";
      els.forEach(function (el) { stage.appendChild(pane(el)); });
      title.textContent = label;
      dialog.classList.remove("actual");
      zoom.setAttribute("aria-pressed", "false");
      zoom.textContent = "Zoom to 100%";
      if (!dialog.open) dialog.showModal();
    }

    function open(index) {
      collect();
      if (!items.length) return;
      current = (index + items.length) % items.length;
      var el = items[current];
      var pair = el.getAttribute("data-pair");
      var els = [el];
      if (pair) {
        var other = document.getElementById(pair);
        if (other) els = [other, el];
      }
      show(els, el.getAttribute("data-caption") + " (" + (current + 1) + " of " + items.length + ")");
    }

    document.addEventListener("click", function (e) {
      var proxy = e.target.closest("[data-view-for]");
      var trigger = proxy ? document.getElementById(proxy.getAttribute("data-view-for")) : e.target.closest("[data-view]");
      if (trigger) {
        e.preventDefault();
        collect();
        open(items.indexOf(trigger));
      }
    });
    document.addEventListener("change", function (e) {
      if (!e.target.matches("input[data-compare]")) return;
      var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-compare]:checked"));
      compare = boxes.map(function (b) { return document.getElementById(b.getAttribute("data-compare")); });
      var button = document.getElementById("compare-button");
      if (button) {
        button.disabled = compare.length < 2;
        button.textContent = compare.length < 2 ? "Compare (tick two or more)" : "Compare " + compare.length + " side by side";
      }
    });
    document.addEventListener("click", function (e) {
      if (e.target.closest("#compare-button") && compare.length >= 2) {
        show(compare, "Comparing " + compare.length + " side by side");
      }
    });
    dialog.querySelector("[data-action=prev]").addEventListener("click", function () { open(current - 1); });
    dialog.querySelector("[data-action=next]").addEventListener("click", function () { open(current + 1); });
    dialog.querySelector("[data-action=close]").addEventListener("click", function () { dialog.close(); });
    zoom.addEventListener("click", function () {
      var on = dialog.classList.toggle("actual");
      zoom.setAttribute("aria-pressed", String(on));
      zoom.textContent = on ? "Fit to screen" : "Zoom to 100%";
    });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { open(current + 1); e.preventDefault(); }
      else if (e.key === "ArrowLeft") { open(current - 1); e.preventDefault(); }
      else if (e.key === "z" || e.key === "Z") { zoom.click(); }
    });
  }

  // 4. Select all -----------------------------------------------------------
  function setupSelectAll() {
    document.addEventListener("change", function (e) {
      if (!e.target.matches("input[data-select-all]")) return;
      var name = e.target.getAttribute("data-select-all");
      document.querySelectorAll("input[type=checkbox][name=" + name + "]").forEach(function (box) {
        box.checked = e.target.checked;
      });
    });
  }

  ready(function () {
    setupMenu();
    setupUpload();
    setupGallery();
    setupSelectAll();
  });
})();
