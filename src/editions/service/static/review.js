// editions review: small conveniences on top of pages that work without JavaScript.
// No inline scripts (CSP script-src 'self'); nothing here builds HTML from strings.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Job page: reload while the job is still queued or running (paused while the tab is hidden).
  if (document.body.dataset.live === "1") {
    window.setInterval(function () {
      if (document.visibilityState === "visible") {
        window.location.reload();
      }
    }, 4000);
  }

  // --- the span editor ------------------------------------------------------------------------------
  // A block's inline markup travels as numbered placeholder tags (<a1>…</a1>, <em2>…</em2>); the
  // server refuses an edit that loses, repeats, crosses or empties one (service/editing.py). Here the
  // textarea is swapped for an editable line in which each tag is a marker ("chip") that cannot be
  // typed into or half-deleted: the words around and between them are edited as usual, a picked
  // marker moves with Alt+Left/Right or by dragging, and the textarea, still the form's field, gets
  // the text back with its tags. Text typed to look like a tag is kept as text (‹a1›), as the readers do.
  var TAG_RE = /<(\/?)(abbr|cite|code|em|a|b|q)(\d+)>/g; // document.PLACEHOLDER_RE, longest first
  var KIND_NAMES = {
    link: "link", em: "emphasis", strong: "bold", q: "quotation", abbr: "abbreviation", cite: "citation",
    code: "code",
  };

  function spanInfo(form) {
    var info = {};
    var counts = {};
    var items = form.querySelectorAll(".span-legend li[data-tag]");
    items.forEach(function (item) {
      counts[item.dataset.kind] = (counts[item.dataset.kind] || 0) + 1;
    });
    var seen = {};
    items.forEach(function (item) {
      var kind = item.dataset.kind;
      seen[kind] = (seen[kind] || 0) + 1;
      var name = KIND_NAMES[kind] || kind;
      info[item.dataset.tag] = {
        kind: kind,
        href: item.querySelector(".href") ? item.querySelector(".href").textContent : "", // shown, never followed
        label: counts[kind] > 1 ? name + " " + seen[kind] : name,
        item: item
      };
    });
    return info;
  }

  function makeChip(tag, closing, span) {
    var chip = document.createElement("span");
    chip.className = "chip chip-" + span.kind + (closing ? " chip-close" : " chip-open");
    chip.contentEditable = "false";
    chip.draggable = true;
    chip.dataset.tag = tag;
    chip.dataset.closing = closing ? "1" : "";
    chip.textContent = closing ? "/" + span.label : span.label;
    chip.title = (closing ? "End of the " : "Start of the ") + span.label +
      (span.href ? " → " + span.href : "") + ". Click it, then Alt+← or Alt+→ moves it; or drag it.";
    return chip;
  }

  function fill(editor, text, spans) {
    while (editor.firstChild) {
      editor.removeChild(editor.firstChild);
    }
    var last = 0;
    text.replace(TAG_RE, function (match, slash, kind, number, offset) {
      var tag = kind + number;
      if (offset > last) {
        editor.appendChild(document.createTextNode(text.slice(last, offset)));
      }
      if (spans[tag]) {
        editor.appendChild(makeChip(tag, slash === "/", spans[tag]));
      } else {
        editor.appendChild(document.createTextNode(match)); // not a span of this block: plain text
      }
      last = offset + match.length;
      return match;
    });
    if (last < text.length) {
      editor.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  function serialize(node) {
    var out = "";
    node.childNodes.forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE) {
        out += child.data.replace(TAG_RE, function (m) { return "‹" + m.slice(1, -1) + "›"; });
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.dataset && child.dataset.tag) {
          out += "<" + (child.dataset.closing ? "/" : "") + child.dataset.tag + ">";
        } else if (child.nodeName === "BR") {
          out += child.nextSibling ? " " : "";
        } else {
          out += serialize(child); // whatever the browser wrapped text in: its text only
        }
      }
    });
    return out;
  }

  // The server's rules (service/editing.py check_edit), worded for the page.
  function spanProblem(text, spans) {
    var tags = [];
    text.replace(TAG_RE, function (match, slash, kind, number, offset) {
      tags.push({ tag: kind + number, closing: slash === "/", start: offset, end: offset + match.length });
      return match;
    });
    var names = Object.keys(spans);
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      var span = spans[name];
      var opened = tags.filter(function (t) { return t.tag === name && !t.closing; }).length;
      var closed = tags.filter(function (t) { return t.tag === name && t.closing; }).length;
      if (!opened && !closed) {
        return "The " + span.label + " <" + name + "> was deleted. Select the words it marks and press “Put back”, or Esc to start over.";
      }
      if (opened > 1 || closed > 1) {
        return "The " + span.label + " <" + name + "> appears more than once; keep it once.";
      }
      if (!opened || !closed) {
        return "The " + span.label + " <" + name + "> lost its " + (opened ? "end" : "start") +
          " marker. Press “Put back”, Ctrl+Z, or Esc to start over.";
      }
    }
    var stack = [];
    for (var j = 0; j < tags.length; j++) {
      var t = tags[j];
      if (!t.closing) {
        stack.push(t);
        continue;
      }
      var open = stack.length ? stack[stack.length - 1] : null;
      if (!stack.some(function (s) { return s.tag === t.tag; })) {
        return "The end of the " + spans[t.tag].label + " comes before its start; move a marker.";
      }
      if (open.tag !== t.tag) {
        return "The " + spans[t.tag].label + " and the " + spans[open.tag].label +
          " overlap; close one before the other starts.";
      }
      stack.pop();
      if (!text.slice(open.end, t.start).replace(TAG_RE, "").trim()) {
        return "The " + spans[t.tag].label + " <" + t.tag + "> has no words left; keep some inside it, or press Esc to start over.";
      }
    }
    return null;
  }

  function moveChip(chip, step) {
    var editor = chip.parentNode;
    var neighbour = step < 0 ? chip.previousSibling : chip.nextSibling;
    while (neighbour && neighbour.nodeType === Node.TEXT_NODE && !neighbour.data.length) {
      var empty = neighbour;
      neighbour = step < 0 ? neighbour.previousSibling : neighbour.nextSibling;
      editor.removeChild(empty);
    }
    if (!neighbour) {
      return;
    }
    if (neighbour.nodeType !== Node.TEXT_NODE) {
      editor.insertBefore(chip, step < 0 ? neighbour : neighbour.nextSibling); // hop over a marker
      return;
    }
    // one character crosses the marker
    var ch = step < 0 ? neighbour.data.slice(-1) : neighbour.data.charAt(0);
    neighbour.data = step < 0 ? neighbour.data.slice(0, -1) : neighbour.data.slice(1);
    var other = step < 0 ? chip.nextSibling : chip.previousSibling;
    if (other && other.nodeType === Node.TEXT_NODE) {
      other.data = step < 0 ? ch + other.data : other.data + ch;
    } else {
      editor.insertBefore(document.createTextNode(ch), step < 0 ? chip.nextSibling : chip);
    }
  }

  function spanEditor(box, area) {
    var form = area.form;
    var spans = spanInfo(form);
    var editor = document.createElement("div");
    editor.className = "span-editor";
    editor.contentEditable = "true";
    editor.spellcheck = true;
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "false");
    editor.setAttribute("aria-label", "Translation of " + area.id.replace(/^text-/, ""));
    editor.lang = area.lang;
    editor.dir = area.dir;
    var problem = document.createElement("p");
    problem.className = "span-problem";
    problem.setAttribute("role", "alert");
    problem.hidden = true;
    var help = document.createElement("p");
    help.className = "hint span-help";
    help.textContent = Object.keys(spans).length
      ? "The coloured markers are the links and emphasis: edit the words around them; click a marker and press Alt+← or Alt+→ to move it, or drag it."
      : "";
    area.hidden = true;
    area.removeAttribute("required"); // checked here and on the server: a hidden field cannot show it
    area.parentNode.insertBefore(editor, area);
    area.parentNode.insertBefore(problem, area.nextSibling);
    if (help.textContent) {
      area.parentNode.insertBefore(help, problem);
    }
    var raw = form.querySelector(".raw-hint");
    if (raw) {
      raw.hidden = true;
    }
    var original = area.value;
    var picked = null;
    fill(editor, original, spans);

    function check() {
      var text = area.value.trim();
      var message = text ? spanProblem(text, spans) : "A block cannot be empty; reject the edition instead.";
      problem.textContent = message || "";
      problem.hidden = !message;
      editor.setAttribute("aria-invalid", message ? "true" : "false");
      Object.keys(spans).forEach(function (tag) {
        var present = editor.querySelectorAll(".chip[data-tag='" + tag + "']").length;
        var button = spans[tag].item.querySelector("button");
        if (button) {
          button.hidden = present === 2;
        }
      });
      return message;
    }
    function sync() {
      editor.normalize();
      area.value = serialize(editor);
      check();
    }
    function pick(chip) {
      if (picked) {
        picked.classList.remove("picked");
      }
      picked = chip;
      if (chip) {
        chip.classList.add("picked");
      }
    }
    function putBack(tag) {
      var selection = window.getSelection();
      var range = selection.rangeCount ? selection.getRangeAt(0) : null;
      if (!range || !editor.contains(range.commonAncestorContainer)) {
        range = document.createRange();
        range.selectNodeContents(editor);
        range.collapse(false);
      }
      var hasOpen = editor.querySelector(".chip-open[data-tag='" + tag + "']");
      var hasClose = editor.querySelector(".chip-close[data-tag='" + tag + "']");
      var end = range.cloneRange();
      end.collapse(false);
      if (!hasClose) {
        end.insertNode(makeChip(tag, true, spans[tag]));
      }
      if (!hasOpen) {
        range.collapse(true);
        range.insertNode(makeChip(tag, false, spans[tag]));
      }
      sync();
    }
    Object.keys(spans).forEach(function (tag) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn small put-back";
      button.textContent = "Put back";
      button.title = "Put the " + spans[tag].label + " markers back around the selected words";
      button.hidden = true;
      button.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
      button.addEventListener("click", function () { putBack(tag); });
      spans[tag].item.appendChild(document.createTextNode(" "));
      spans[tag].item.appendChild(button);
    });

    editor.addEventListener("input", sync);
    editor.addEventListener("beforeinput", function (event) {
      if (event.inputType.indexOf("format") === 0 || event.inputType === "insertParagraph") {
        event.preventDefault(); // one paragraph of plain words and markers
      }
    });
    editor.addEventListener("paste", function (event) {
      event.preventDefault();
      var text = (event.clipboardData.getData("text/plain") || "").replace(/\s*\n\s*/g, " ");
      document.execCommand("insertText", false, text);
    });
    editor.addEventListener("click", function (event) {
      var chip = event.target.closest ? event.target.closest(".chip") : null;
      pick(chip && editor.contains(chip) ? chip : null);
    });
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "Enter") {
        event.preventDefault();
      } else if (event.key === "Escape") {
        fill(editor, original, spans);
        sync();
        pick(null);
        box.open = false;
        box.querySelector("summary").focus();
      } else if (picked && event.altKey && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
        event.preventDefault();
        var step = event.key === "ArrowLeft" ? -1 : 1;
        moveChip(picked, editor.dir === "rtl" ? -step : step);
        sync();
      }
    });
    // dragging a marker drops it where the pointer is; anything else dropped comes in as plain text
    var dragged = null;
    editor.addEventListener("dragstart", function (event) {
      var chip = event.target.closest ? event.target.closest(".chip") : null;
      dragged = chip;
      if (chip) {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", "");
      }
    });
    editor.addEventListener("dragend", function () { dragged = null; });
    editor.addEventListener("dragover", function (event) { event.preventDefault(); });
    editor.addEventListener("drop", function (event) {
      event.preventDefault();
      var range = document.caretRangeFromPoint ? document.caretRangeFromPoint(event.clientX, event.clientY) : null;
      if (!range || !editor.contains(range.startContainer)) {
        return;
      }
      if (dragged) {
        range.insertNode(dragged);
        pick(dragged);
      } else {
        range.insertNode(document.createTextNode(event.dataTransfer.getData("text/plain").replace(/\s+/g, " ")));
      }
      dragged = null;
      sync();
    });
    form.addEventListener("submit", function (event) {
      sync();
      if (check()) {
        event.preventDefault();
        editor.focus();
      }
    });
    sync();
    return editor;
  }

  // Edition page: the Edit toggle focuses the editor; Ctrl/Cmd+Enter saves, Escape cancels.
  document.querySelectorAll("details.edit").forEach(function (box) {
    var area = box.querySelector("textarea");
    if (!area) {
      return;
    }
    var editor = spanEditor(box, area);
    box.addEventListener("toggle", function () {
      if (box.open) {
        editor.focus();
        var range = document.createRange();
        range.selectNodeContents(editor);
        range.collapse(false);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
    });
  });

  // Hovering a finding lights up its highlights in the text, and the other way round.
  function light(ref, on) {
    document.querySelectorAll("mark.qa[data-refs]").forEach(function (mark) {
      if (mark.dataset.refs.split(" ").indexOf(ref) >= 0) {
        mark.classList.toggle("active", on);
      }
    });
    var item = document.getElementById("finding-" + ref);
    if (item) {
      item.classList.toggle("active", on);
    }
  }
  document.querySelectorAll("li.finding[data-ref]").forEach(function (item) {
    var ref = item.dataset.ref;
    item.addEventListener("mouseenter", function () { light(ref, true); });
    item.addEventListener("mouseleave", function () { light(ref, false); });
  });
  document.querySelectorAll("mark.qa[data-refs]").forEach(function (mark) {
    var refs = mark.dataset.refs.split(" ").filter(Boolean);
    mark.addEventListener("mouseenter", function () { refs.forEach(function (r) { light(r, true); }); });
    mark.addEventListener("mouseleave", function () { refs.forEach(function (r) { light(r, false); }); });
  });
})();
