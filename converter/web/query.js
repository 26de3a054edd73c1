// perfkg serve's query page: saved queries, results as a table with labels and plain numbers.
// Everything from the store is written with textContent: no HTML is ever built from data.
"use strict";

const NUMBERS = new Set(["integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger", "gYear"]
  .map((t) => "http://www.w3.org/2001/XMLSchema#" + t));
const RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
let prefixes = {};

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function status(text, error) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.className = error ? "error" : "";
}

function compact(iri) {
  for (const [name, base] of Object.entries(prefixes)) {
    if (iri.startsWith(base) && /^[\w.\-]*$/.test(iri.slice(base.length))) return name + ":" + iri.slice(base.length);
  }
  return "<" + iri + ">";
}

function readPrefixes(text) {
  const found = {};
  for (const m of text.matchAll(/PREFIX\s+([\w.\-]*):\s*<([^>\s]*)>/gi)) found[m[1]] = m[2];
  return found;
}

async function loadSaved() {
  const box = document.getElementById("saved");
  try {
    const response = await fetch("/queries.json", { headers: { Accept: "application/json" } });
    const saved = await response.json();
    box.textContent = "";
    for (const q of saved) {
      Object.assign(prefixes, readPrefixes(q.query));
      const button = el("button");
      button.type = "button";
      button.title = q.title;
      button.append(el("span", q.zh || q.title, "zh"), el("span", q.en, "en"), el("span", q.name + (q.federated ? " (SERVICE)" : ""), "name"));
      button.addEventListener("click", () => {
        document.getElementById("query").value = q.query;
        for (const b of box.querySelectorAll("button")) b.classList.remove("current");
        button.classList.add("current");
      });
      box.append(button);
    }
  } catch (err) {
    box.textContent = "could not list the saved queries: " + err;
  }
  const list = document.getElementById("prefixes");
  for (const [name, base] of Object.entries(prefixes).sort()) list.append(el("dt", name + ":"), el("dd", base));
}

async function sparql(text) {
  const response = await fetch("/query", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    body: text,
  });
  const body = await response.text();
  if (!response.ok) throw new Error(body.trim() || response.status + " " + response.statusText);
  return { type: response.headers.get("Content-Type") || "", body };
}

async function labelsOf(iris) {
  if (!iris.length) return {};
  const values = iris.slice(0, 400).map((i) => "<" + i + ">").join(" ");
  const text = "SELECT ?s ?l WHERE { VALUES ?s { " + values + " } ?s <" + RDFS_LABEL + "> ?l }";
  const found = {};
  try {
    const data = JSON.parse((await sparql(text)).body);
    for (const row of data.results.bindings) {
      const lang = row.l["xml:lang"] || "";
      if (!(row.s.value in found) || lang.startsWith("zh")) found[row.s.value] = row.l.value;
    }
  } catch (err) { /* labels are a convenience */ }
  return found;
}

function cell(term, labels) {
  const td = el("td");
  if (!term) return td;
  if (term.type === "uri") {
    const link = el("a", labels[term.value] || compact(term.value));
    link.href = term.value;
    link.title = term.value;
    td.append(link);
    if (labels[term.value]) td.append(" ", el("span", compact(term.value), "iri"));
  } else if (term.type === "literal" && NUMBERS.has(term.datatype)) {
    td.textContent = term.value;
    td.className = "number";
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) td.append(" ", el("span", "@" + term["xml:lang"], "lang"));
  }
  return td;
}

async function run() {
  const text = document.getElementById("query").value;
  Object.assign(prefixes, readPrefixes(text));
  const out = document.getElementById("results");
  status("running…");
  const started = performance.now();
  try {
    const answer = await sparql(text);
    out.textContent = "";
    if (!answer.type.includes("json")) {
      out.append(el("pre", answer.body));
      status("done");
      return;
    }
    const data = JSON.parse(answer.body);
    if ("boolean" in data) {
      out.append(el("p", String(data.boolean)));
      status("done");
      return;
    }
    const vars = data.head.vars;
    const rows = data.results.bindings;
    const iris = [...new Set(rows.flatMap((r) => vars.map((v) => r[v]).filter((t) => t && t.type === "uri").map((t) => t.value)))];
    const labels = document.getElementById("labels").checked ? await labelsOf(iris) : {};
    const table = el("table");
    const head = el("tr");
    for (const v of vars) head.append(el("th", v));
    table.append(head);
    for (const row of rows) {
      const tr = el("tr");
      for (const v of vars) tr.append(cell(row[v], labels));
      table.append(tr);
    }
    out.append(table);
    status(rows.length + " row(s), " + Math.round(performance.now() - started) + " ms");
  } catch (err) {
    status(err.message, true);
  }
}

async function update() {
  const token = document.getElementById("token").value.trim();
  status("updating…");
  const response = await fetch("/update", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-update", Authorization: "Bearer " + token },
    body: document.getElementById("query").value,
  });
  status(response.ok ? "updated" : (await response.text()).trim(), !response.ok);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("run").addEventListener("click", run);
  document.getElementById("query").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
  if (document.body.dataset.writable === "true") {
    document.getElementById("write").hidden = false;
    document.getElementById("update").addEventListener("click", update);
  }
  loadSaved();
  const given = new URLSearchParams(location.search).get("query");  // a shared link: /?query=…
  if (given) {
    document.getElementById("query").value = given;
    run();
  }
});
