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
