// The writing page: a form generated from the description model (GET /api/form), a text editor, term
// look-up (GET /api/terms), and a check (POST /api/describe) whose findings link to the field or line they
// concern. The form's state is the same tree a YAML description holds; nothing is thrown away on a check.
"use strict";

const SUFFIX = {ttl: ".ttl", jsonld: ".jsonld", yaml: ".yaml", html: ".html", markdown: ".md", json: ".json"};
const MEDIA = {ttl: "text/turtle", jsonld: "application/ld+json", yaml: "application/yaml", html: "text/html",
               markdown: "text/markdown", json: "application/json"};
const LEVEL_WORDS = {required: "required", classification: "needed for the classification",
                     recommended: "recommended", optional: "optional"};

const page = {
  model: null, slots: {}, tree: {type: "EVProduct"}, others: [], mode: "form",
  formChanged: true, editorSynced: "", editorFormat: "yaml", last: null, lastText: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"},
                                             body: JSON.stringify(body)};
  const answer = await fetch(path, options);
  const data = await answer.json().catch(() => ({message: `the server answered ${answer.status}`}));
  if (!answer.ok) { const error = new Error(data.message || "error"); error.detail = data; throw error; }
  return data;
}

// ------------------------------------------------------------------------------------------ the form

function changed() { page.formChanged = true; }

function slug(text) {
  return (text || "").toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 60) || "my-product";
}

function asList(value) { return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]; }

function normalise(node, slotName) {
  // The tree from the server writes single values plainly; the form keeps lists where a field takes many.
  const slot = page.slots[slotName];
  if (!slot || !node || typeof node !== "object") return node;
  if (Array.isArray(node.type)) node.type = node.type[0];
  for (const field of slot.fields) {
    if (!(field.key in node)) continue;
    if (field.kind === "node") {
      const items = asList(node[field.key]).filter((item) => typeof item === "object")
        .map((item) => normalise(item, field.slot));
      node[field.key] = slot && page.slots[field.slot].many ? items : items[0];
    } else if (field.kind === "choice" && field.many) {
      node[field.key] = asList(node[field.key]);
    }
  }
  return node;
}

function helpFor(field) {
  if (!field.message && !field.sources.length) return null;
  const details = el("details", {class: "help"}, el("summary", {text: "what and why"}));
  if (field.message) details.append(el("p", {text: field.message.replace(/\bevkg:/g, "")}));
  if (field.source_labels && field.source_labels.length) {
    details.append(el("p", {class: "sources", text: "Source: " + field.source_labels.join("; ")}));
  }
  return details;
}

function choiceWidget(field, node, id) {
  if (field.many) {
    const box = el("fieldset", {id, class: "choices", tabindex: "-1"},
                   el("legend", {class: "visually-hidden", text: field.label}));
    const chosen = new Set(asList(node[field.key]));
    for (const [value, label] of field.choices.map((c) => [c.value, c.label])) {
      const input = el("input", {type: "checkbox", value, id: `${id}=${value}`, checked: chosen.has(value),
        onchange: (event) => {
          const now = new Set(asList(node[field.key]));
          if (event.target.checked) now.add(value); else now.delete(value);
          node[field.key] = [...now]; changed();
        }});
      box.append(el("label", {class: "choice", for: `${id}=${value}`}, input, ` ${label}`));
    }
    return box;
  }
  const select = el("select", {id, onchange: (event) => {
    node[field.key] = event.target.value || undefined; changed();
  }}, el("option", {value: "", text: "— choose —"}));
  for (const choice of field.choices) {
    select.append(el("option", {value: choice.value, text: choice.label, selected: node[field.key] === choice.value}));
  }
  return select;
}

function termWidget(field, node, id) {
  const wrap = el("div", {class: "term"});
  const shown = el("span", {class: "term-chosen"});
  const results = el("ul", {class: "term-results", role: "listbox"});
  const input = el("input", {type: "search", id, autocomplete: "off",
    placeholder: "type words to look up a term, e.g. " + (field.key === "indication" ? "osteoarthritis" : "…"),
    "aria-label": `look up ${field.label}`});
  const show = () => {
    const value = asList(node[field.key])[0];
    shown.textContent = value ? `chosen: ${node[`__label:${field.key}`] || ""} (${value})` : "";
    shown.hidden = !value;
  };
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      results.replaceChildren();
      const words = input.value.trim();
      if (words.length < 2) return;
      const params = new URLSearchParams({q: words, for: field.key, limit: "15"});
      let data;
      try { data = await api(`/api/terms?${params}`); } catch (error) {
        results.append(el("li", {class: "none", text: error.message})); return;
      }
      if (!data.terms.length) results.append(el("li", {class: "none", text: data.message || "no term matches these words"}));
      for (const term of data.terms) {
        results.append(el("li", {}, el("button", {type: "button", class: "term-option", role: "option",
          "data-curie": term.curie, text: `${term.label} (${term.curie})`, onclick: () => {
            node[field.key] = term.curie; node[`__label:${field.key}`] = term.label;
            input.value = term.label; results.replaceChildren(); show(); changed();
          }})));
      }
    }, 200);
  });
  if (node[field.key]) input.value = node[`__label:${field.key}`] || asList(node[field.key])[0];
  if (node[field.key] && !node[`__label:${field.key}`]) {        // a term read from text: show its name
    const curie = asList(node[field.key])[0];
    api(`/api/terms?${new URLSearchParams({q: curie, limit: "1"})}`).then((data) => {
      const found = data.terms.find((t) => t.curie === curie);
      if (found && asList(node[field.key])[0] === curie) {
        node[`__label:${field.key}`] = found.label; input.value = found.label; show();
      }
    }).catch(() => {});
  }
  show();
  wrap.append(input, shown, results);
  return wrap;
}

function widget(field, node, id) {
  if (field.kind === "choice") return choiceWidget(field, node, id);
  if (field.kind === "term") return termWidget(field, node, id);
  if (field.kind === "boolean") {
    const select = el("select", {id, onchange: (event) => {
      node[field.key] = event.target.value === "" ? undefined : event.target.value === "true"; changed();
    }}, el("option", {value: "", text: "— choose —"}),
       el("option", {value: "true", text: "yes", selected: node[field.key] === true}),
       el("option", {value: "false", text: "no", selected: node[field.key] === false}));
    return select;
  }
  const numeric = field.kind === "number" || field.kind === "integer";
  const value = asList(node[field.key])[0];
  return el("input", {type: "text", id, value: value === undefined ? "" : String(value),
    inputmode: numeric ? "decimal" : null,
    placeholder: field.kind === "duration" ? "e.g. P12M for twelve months" : null,
    onchange: (event) => {
      const text = event.target.value.trim();
      if (!text) node[field.key] = undefined;
      else if (numeric && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) node[field.key] = Number(text);
      else node[field.key] = text;
      changed();
    }});
}

function fieldRow(field, node, pointer) {
  const path = `${pointer}/${field.key}`;
  const id = `f:${path}`;
  const row = el("div", {class: `field level-${field.level}`, id: `row:${path}`, "data-field": path});
  const input = widget(field, node, id);
  // a group of checkboxes is named by its legend; a label only names a single control
  const label = el("label", {for: input.tagName === "FIELDSET" ? null : id}, field.label, " ",
                   el("span", {class: "level", text: LEVEL_WORDS[field.level]}));
  row.append(label, input);
  const help = helpFor(field);
  if (help) row.append(help);
  row.append(el("p", {class: "finding-note", hidden: true}));
  return row;
}

function renderNode(slotName, node, pointer, heading, groups, onRemove) {
  const slot = page.slots[slotName];
  const box = el("div", {class: "node", id: `node:${pointer || "/"}`, "data-field": pointer || "/"});
  if (slotName !== "product") {                       // the product's section title names it already
    const title = el("h3", {text: heading});
    if (onRemove) title.append(" ", el("button", {type: "button", class: "remove", text: "remove",
                                                  onclick: onRemove}));
    box.append(title);
  }
  if (slotName === "product") {
    const id = "f:/id";
    box.append(el("div", {class: "field", id: "row:/id", "data-field": "/id"},
      el("label", {for: id}, "short name ", el("span", {class: "level", text: "made from the name if left empty"})),
      el("input", {type: "text", id, value: node.id || "", placeholder: "e.g. knee-msc-ev",
                   onchange: (event) => { node.id = slug(event.target.value); event.target.value = node.id; changed(); }})));
  }
  if (slot.node_types.length > 1) {
    node.type = node.type || slot.node_types[0].value;
    const id = `f:${pointer}/type`;
    const select = el("select", {id, onchange: (event) => { node.type = event.target.value; changed(); }});
    for (const type of slot.node_types) select.append(el("option", {value: type.value, text: type.label,
                                                                   selected: node.type === type.value}));
    box.append(el("div", {class: "field", id: `row:${pointer}/type`, "data-field": `${pointer}/type`},
                  el("label", {for: id, text: "kind of source"}), select));
  } else {
    node.type = node.type || (slot.node_types[0] && slot.node_types[0].value);
  }
  const more = el("details", {class: "more"}, el("summary", {text: "more facts you can give"}));
  for (const field of slot.fields) {
    if (field.kind === "node") continue;
    const row = fieldRow(field, node, pointer);
    if (field.level === "optional" && node[field.key] === undefined) more.append(row); else box.append(row);
  }
  if (more.children.length > 1) box.append(more);
  groups[slot.group].append(box);
  for (const field of slot.fields) {
    if (field.kind !== "node") continue;
    const child = page.slots[field.slot];
    const items = asList(node[field.key]);
    const childHeading = (index) => `${slotName === "product" ? "" : heading + " › "}${child.label}${child.many ? " " + (index + 1) : ""}`;
    items.forEach((item, index) => {
      const childPointer = `${pointer}/${field.key}${child.many ? "/" + index : ""}`;
      renderNode(field.slot, item, childPointer, childHeading(index), groups, () => {
        if (child.many) { node[field.key].splice(index, 1); if (!node[field.key].length) delete node[field.key]; }
        else delete node[field.key];
        changed(); renderForm();
      });
    });
    if (child.many || !items.length) {
      const add = el("button", {type: "button", class: `add level-${field.level}`, id: `f:${pointer}/${field.key}`,
        "data-field": `${pointer}/${field.key}`,
        text: `Add ${items.length ? "another " : ""}${child.label} (${LEVEL_WORDS[field.level]})`,
        onclick: () => {
          const fresh = {type: child.node_types[0] ? child.node_types[0].value : undefined};
          if (child.many) node[field.key] = [...asList(node[field.key]), fresh]; else node[field.key] = fresh;
          changed(); renderForm();
          const target = document.getElementById(`node:${pointer}/${field.key}${child.many ? "/" + (asList(node[field.key]).length - 1) : ""}`);
          if (target) target.scrollIntoView({block: "center"});
        }});
      groups[child.group].append(el("div", {class: "add-row", id: `row:${pointer}/${field.key}`}, add));
    }
  }
}

function renderForm() {
  const holder = $("form-groups");
  holder.replaceChildren();
  const groups = {};
  for (const name of page.model.groups) {
    const body = el("div", {class: "group-body"});
    groups[name] = body;
    holder.append(el("section", {class: "group", id: `group:${name}`}, el("h2", {text: name}), body));
  }
  renderNode("product", page.tree, "", "product", groups, null);
  for (const [name, body] of Object.entries(groups)) {
    if (!body.children.length) body.append(el("p", {class: "empty", text: "nothing here yet"}));
  }
  markFindings();
}

function cleanTree(value) {
  if (Array.isArray(value)) return value.map(cleanTree).filter((v) => v !== undefined);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith("__")) continue;
      const clean = cleanTree(item);
      if (clean === undefined || clean === "" || (Array.isArray(clean) && !clean.length)) continue;
      out[key] = clean;
    }
    return out;
  }
  return value === null ? undefined : value;
}

function formText() {
  if (!page.tree.id && page.tree.label) page.tree.id = slug(page.tree.label);
  const input = $("f:/id");
  if (input && page.tree.id) input.value = page.tree.id;
  const product = cleanTree(page.tree);
  return JSON.stringify(page.others.length ? {graph: [product, ...page.others]} : product, null, 2);
}

// ------------------------------------------------------------------------------------------ the editor

function paintGutter(marks = {}) {
  const lines = $("editor-text").value.split("\n").length;
  const gutter = $("gutter");
  gutter.replaceChildren();
  for (let number = 1; number <= lines; number++) {
    const mark = marks[number];
    gutter.append(el("span", {class: mark ? `line ${mark}` : "line", id: `line:${number}`, text: String(number)}));
    gutter.append("\n");
  }
  gutter.scrollTop = $("editor-text").scrollTop;
}

function goToLine(number) {
  const area = $("editor-text");
  const lines = area.value.split("\n");
  let start = 0;
  for (let i = 0; i < number - 1 && i < lines.length; i++) start += lines[i].length + 1;
  area.focus();
  area.setSelectionRange(start, start + (lines[number - 1] || "").length);
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (number - 5) * lineHeight);
}

async function editorToForm() {
  const data = await api("/api/convert", {text: $("editor-text").value, format: page.editorFormat, to: "tree"});
  // The form shows the product; other top-level nodes (its trials, say) are kept as they are and sent along.
  const nodes = data.tree.graph || [data.tree];
  const product = nodes.find((n) => asList(n.type).includes("EVProduct")) || nodes[0];
  page.others = nodes.filter((n) => n !== product);
  page.tree = normalise(product, "product");
  page.editorSynced = $("editor-text").value;
  page.formChanged = false;
}

async function formToEditor(format) {
  const data = await api("/api/convert", {text: formText(), format: "json", to: format});
  $("editor-text").value = data.text;
  page.formChanged = false;
  page.editorSynced = data.text;
}

const FORMAT_NAMES = {yaml: "YAML", ttl: "Turtle", jsonld: "JSON-LD"};

function commentLines(text, format) {
  // The numbers of the lines that hold a # comment, outside quoted text and (Turtle) <IRIs>; in YAML a #
  // begins a comment only at the start of a line or after a space. JSON-LD has no comments.
  if (format === "jsonld") return [];
  const found = [];
  text.split("\n").forEach((line, index) => {
    let quote = null, iri = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i], before = i ? line[i - 1] : " ";
      if (quote) { if (c === "\\") i++; else if (c === quote) quote = null; continue; }
      if (iri) { if (c === ">") iri = false; continue; }
      if ((c === '"' || c === "'") && (format === "ttl" || /[\s\[{,:-]/.test(before))) { quote = c; continue; }
      if (c === "<" && format === "ttl") { iri = true; continue; }
      if (c === "#" && (format === "ttl" || /\s/.test(before))) { found.push(index + 1); break; }
    }
  });
  return found;
}

async function convertEditor(target) {
  hideError();
  $("comment-warning").hidden = true;
  try {
    if ($("editor-text").value.trim()) {
      const data = await api("/api/convert", {text: $("editor-text").value, format: page.editorFormat, to: target});
      $("editor-text").value = data.text;
      if (!page.formChanged) page.editorSynced = data.text;
    }
    page.editorFormat = target;
    $("editor-format").value = target;
    paintGutter();
  } catch (error) { $("editor-format").value = page.editorFormat; showError(error); }
}

async function showTab(mode) {
  hideError();
  $("rewrite-notice").hidden = true;
  try {
    if (mode === "editor" && page.mode === "form" && (page.formChanged || !$("editor-text").value.trim())) {
      const earlier = $("editor-text").value, earlierFormat = page.editorFormat;
      const lines = commentLines(earlier, earlierFormat);
      await formToEditor(page.editorFormat);
      if (lines.length) {
        // the text is written anew from the form, which holds facts only: say so, and keep the earlier text
        page.earlierText = earlier;
        $("rewrite-notice-text").textContent = `The text was written anew from the form, which keeps the facts ` +
          `only: the # comments of your earlier text (line${lines.length === 1 ? "" : "s"} ` +
          `${lines.slice(0, 8).join(", ")}${lines.length > 8 ? ", …" : ""}) are not in it.`;
        $("rewrite-notice").hidden = false;
      }
    } else if (mode === "form" && page.mode === "editor" && $("editor-text").value !== page.editorSynced) {
      await editorToForm();
      renderForm();
    }
  } catch (error) { showError(error); return; }
  page.mode = mode;
  $("pane-form").hidden = mode !== "form";
  $("pane-editor").hidden = mode !== "editor";
  $("tab-form").setAttribute("aria-selected", String(mode === "form"));
  $("tab-editor").setAttribute("aria-selected", String(mode === "editor"));
  if (mode === "editor") paintGutter(lineMarks());
}

// ------------------------------------------------------------------------------------------ checking

function showError(error) {
  const box = $("input-error");
  const detail = error.detail || {};
  box.textContent = detail.message || error.message;
  box.hidden = false;
  if (detail.line && page.mode === "editor") { paintGutter({[detail.line]: "error"}); goToLine(detail.line); }
}

function hideError() { $("input-error").hidden = true; }

function allFindings() {
  if (!page.last) return [];
  const file = page.last.file;
  return [...file.products.flatMap((p) => p.results), ...file.other_results];
}

function lineMarks() {
  const marks = {};
  if (page.last && page.last.format === page.editorFormat && page.lastText === $("editor-text").value) {
    for (const r of allFindings()) if (r.line) marks[r.line] = marks[r.line] === "error" || r.severity === "Violation" ? "error" : "warning";
  }
  return marks;
}

function formPointer(field) {
  // Findings on a description sent with other top-level nodes point into graph/0 (the product) and beyond.
  if (!field || !page.others.length || !field.startsWith("/graph/")) return field;
  return field.startsWith("/graph/0") ? field.slice("/graph/0".length) : null;
}

function findTarget(field) {
  // The row of the field, else the nearest enclosing node or add-button that exists in the form.
  let path = field || "";
  while (true) {
    const candidates = [`f:${path}`, `row:${path}`, `node:${path || "/"}`];
    for (const id of candidates) { const found = document.getElementById(id); if (found) return found; }
    if (!path) return null;
    path = path.slice(0, path.lastIndexOf("/"));
  }
}

function markFindings() {
  for (const row of document.querySelectorAll(".has-finding")) row.classList.remove("has-finding", "violation");
  for (const note of document.querySelectorAll(".finding-note")) { note.hidden = true; note.textContent = ""; }
  for (const r of allFindings()) {
    if (!r.field || page.lastFormat !== "json" || formPointer(r.field) === null) continue;
    const row = document.getElementById(`row:${formPointer(r.field)}`);
    if (!row) continue;
    row.classList.add("has-finding");
    if (r.severity === "Violation") row.classList.add("violation");
    const note = row.querySelector(".finding-note");
    if (note) { note.hidden = false; note.textContent = r.message.replace(/\bevkg:/g, ""); }
  }
}

function goToFinding(r) {
  if (page.mode === "editor") {
    if (r.line) goToLine(r.line);
    return;
  }
  if (formPointer(r.field) === null) return;
  const target = findTarget(formPointer(r.field));
  if (!target) return;
  const details = target.closest("details.more");
  if (details) details.open = true;
  target.scrollIntoView({block: "center"});
  const focusable = target.matches("input, select, textarea, button, fieldset") ? target
    : target.querySelector("input, select, textarea, button");
  if (focusable) focusable.focus();
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1500);
}

function renderReport(data) {
  const file = data.file;
  const product = file.products[0];
  const counts = product ? product.counts : {Violation: 0, Warning: 0, Info: 0};
  $("verdict").className = "verdict " + (file.conforms ? "ok" : "bad");
  $("verdict").textContent = (file.conforms ? "Conforms" : "Does not conform yet") +
    ` — ${counts.Violation} violation(s), ${counts.Warning} warning(s), ${counts.Info} note(s)` +
    (product ? `; completeness ${product.completeness} %.` : ".");
  const list = $("findings");
  list.replaceChildren();
  for (const r of allFindings()) {
    const where = r.line && page.lastFormat !== "json" ? ` (line ${r.line})` : "";
    const link = el("a", {href: r.field ? `#${r.field}` : "#", class: "finding-link", "data-field": r.field || "",
                          "data-line": r.line || "", text: `${r.path_label || r.focus_label}${where}`,
                          onclick: (event) => { event.preventDefault(); goToFinding(r); }});
    const item = el("li", {class: `finding sev-${r.severity}`, "data-constraint": r.constraint || ""},
                    el("span", {class: "severity", text: r.severity}), " ", link,
                    el("p", {text: r.message.replace(/\bevkg:/g, "")}));
    if (r.sources.length) item.append(el("p", {class: "sources", text: "Source: " + r.sources.map((s) => s.label).join("; ")}));
    list.append(item);
  }
  const box = $("classification");
  box.replaceChildren();
  if (product && product.classifications.length) {
    box.append(el("h2", {text: "Classification"}));
    const byJurisdiction = {};
    for (const o of product.classifications) {
      if (o.status === "superseded") continue;
      (byJurisdiction[o.jurisdiction] = byJurisdiction[o.jurisdiction] || []).push(o);
    }
    const dl = el("dl", {class: "classification"});
    for (const [jurisdiction, outcomes] of Object.entries(byJurisdiction)) {
      const decided = outcomes.filter((o) => o.status !== "undecided" && o.status !== "out-of-scope" && o.category_label)
        .map((o) => o.category_label + (o.status === "settled" ? "" : ` (${o.status})`));
      const open = outcomes.filter((o) => o.status === "undecided").length;
      dl.append(el("dt", {text: jurisdiction}), el("dd", {text: (decided.join("; ") || "nothing concluded yet") +
        (open ? ` · ${open} question(s) still open` : "")}));
    }
    box.append(dl);
  }
}

async function runCheck() {
  hideError();
  $("busy").hidden = false;
  $("check").disabled = true;
  const format = page.mode === "form" ? "json" : page.editorFormat;
  const text = page.mode === "form" ? formText() : $("editor-text").value;
  try {
    const data = await api("/api/describe", {text, format});
    data.format = format;
    page.last = data;
    page.lastFormat = format;
    page.lastText = text;
    renderReport(data);
    if (page.mode === "form") markFindings(); else paintGutter(lineMarks());
  } catch (error) {
    showError(error);
  } finally {
    $("busy").hidden = true;
    $("check").disabled = false;
  }
}

function download(kind, format) {
  // the description in the editor's own format is the text as typed, comments and layout included; in another
  // format it is the conversion (facts only)
  const asTyped = kind === "description" && page.mode === "editor" && format === page.editorFormat;
  const text = asTyped ? $("editor-text").value
    : kind === "description" ? page.last.description[format] : page.last.report[format];
  const name = (page.tree.id || "description") + (kind === "report" ? "-report" : "") + SUFFIX[format];
  const url = URL.createObjectURL(new Blob([text], {type: MEDIA[format]}));
  const link = el("a", {href: url, download: name});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ------------------------------------------------------------------------------------------ start

async function start() {
  page.model = await api("/api/form");
  for (const slot of page.model.slots) page.slots[slot.name] = slot;
  renderForm();
  $("tab-form").addEventListener("click", () => showTab("form"));
  $("tab-editor").addEventListener("click", () => showTab("editor"));
  $("check").addEventListener("click", runCheck);
  $("editor-text").addEventListener("input", () => paintGutter());
  $("editor-text").addEventListener("scroll", () => { $("gutter").scrollTop = $("editor-text").scrollTop; });
  $("editor-format").addEventListener("change", (event) => {
    const target = event.target.value;
    const lines = commentLines($("editor-text").value, page.editorFormat);
    if (!lines.length) { convertEditor(target); return; }
    // the conversion keeps every fact but not the comments: say so first, and let the person keep the text
    event.target.value = page.editorFormat;
    const shown = lines.slice(0, 8).join(", ") + (lines.length > 8 ? ", …" : "");
    $("comment-warning-text").textContent = `Your ${FORMAT_NAMES[page.editorFormat]} text has ` +
      `${lines.length === 1 ? "a # comment" : `${lines.length} lines with # comments`} ` +
      `(line${lines.length === 1 ? "" : "s"} ${shown}). Converting to ${FORMAT_NAMES[target]} keeps every fact ` +
      `but not the comments: they would be lost. Copy them somewhere first, or keep ${FORMAT_NAMES[page.editorFormat]}.`;
    $("comment-convert").textContent = `Convert to ${FORMAT_NAMES[target]} without the comments`;
    $("comment-convert").dataset.target = target;
    $("comment-keep").textContent = `Keep the ${FORMAT_NAMES[page.editorFormat]} text`;
    $("comment-warning").hidden = false;
    $("comment-keep").focus();
  });
  $("comment-convert").addEventListener("click", () => {
    $("comment-warning").hidden = true;
    convertEditor($("comment-convert").dataset.target);
  });
  $("comment-keep").addEventListener("click", () => { $("comment-warning").hidden = true; });
  $("rewrite-undo").addEventListener("click", () => {
    // the earlier text back, comments included; the changes made in the form since are dropped
    $("editor-text").value = page.earlierText;
    page.editorSynced = "";
    page.formChanged = false;
    $("rewrite-notice").hidden = true;
    paintGutter();
  });
  $("rewrite-keep").addEventListener("click", () => { $("rewrite-notice").hidden = true; });
  $("load-kind").addEventListener("click", async () => {
    try {
      const kind = $("kind").value;
      const made = await api(`/api/new?kind=${encodeURIComponent(kind)}&format=yaml`);
      const data = await api("/api/convert", {text: made.text, format: "yaml", to: "tree"});
      const tree = normalise(data.tree, "product");
      delete tree.id;
      page.tree = Object.assign(tree, cleanTree(page.tree));
      page.tree.type = "EVProduct";
      changed();
      renderForm();
    } catch (error) { showError(error); }
  });
  for (const button of document.querySelectorAll("button.download")) {
    button.addEventListener("click", async () => {
      const current = page.mode === "form" ? formText() : $("editor-text").value;
      if (!page.last || page.lastText !== current) await runCheck();
      if (page.last) download(button.dataset.kind, button.dataset.format);
    });
  }
  document.body.dataset.ready = "true";
}

start().catch((error) => { $("form-groups").textContent = "The form could not be loaded: " + error.message; });
