// The console's small conveniences; every page works without this file.
"use strict";

// Skill picker: typing in the search box hides the skills that do not match.
for (const box of document.querySelectorAll("input[data-filter]")) {
  const list = document.getElementById(box.dataset.filter);
  if (!list) continue;
  box.hidden = false;
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const option of list.querySelectorAll("option, li")) {
      const text = option.textContent.toLowerCase();
      option.hidden = !option.selected && !words.every((word) => text.includes(word));
    }
  });
}

// Bulk job progress: poll the job's counts until it has finished, then show the results.
const bar = document.querySelector("progress[data-poll]");
if (bar) {
  const status = document.getElementById("bulk-status");
  const poll = () => {
    fetch(bar.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
      .then((job) => {
        const done = job.counts.issued + job.counts.failed + job.counts.invalid;
        bar.max = job.total;
        bar.value = done;
        if (status) status.textContent = `${done} of ${job.total} rows done (${job.counts.issued} issued, ${job.counts.failed} failed).`;
        if (job.status === "finished") window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 5000));
  };
  window.setTimeout(poll, 1000);
}

// EU quality checklist: while the user types, post the form (without its image) to the
// form's checklist URL, at most once per pause, and redraw the list from the answer.
// The "Check quality" button does the same with a page load, for browsers without scripts.
const checked = document.querySelector("form[data-checklist]");
const checklist = document.querySelector(".checklist");
const summary = document.getElementById("checklist-summary");
if (checked && checklist && summary) {
  let timer = 0;
  let pending = null;
  const redraw = (answer) => {
    for (const element of answer.elements) {
      const item = checklist.querySelector(`li[data-element="${CSS.escape(element.id)}"]`);
      if (!item) continue;
      item.className = element.met ? "met" : "missing";
      item.querySelector(".state").textContent = element.met ? "met" : "missing";
      item.querySelector(".note").textContent = element.note;
    }
    summary.textContent = answer.summary;
  };
  const refresh = () => {
    if (pending) pending.abort();
    pending = new AbortController();
    const data = new FormData(checked);
    data.delete("image_file");
    fetch(checked.dataset.checklist, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then((answer) => answer.json().then((body) => ({ ok: answer.ok, body })))
      .then(({ ok, body }) => {
        if (ok) redraw(body);
        else if (body.code) summary.textContent = `${body.message} (error code ${body.code})`;
      })
      .catch(() => {}); // aborted by a newer keystroke, or offline: the button still works
  };
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  };
  checked.addEventListener("input", later);
  checked.addEventListener("change", later);
}
