/* Fältlogg: the field log for the phone, offline first.
   The shift being logged and the entries waiting to be sent live in IndexedDB (idb-keyval); each entry has a
   key made here (a UUID) that the server stores once, so sending again never makes a duplicate. Only what the
   user typed is kept: a position from the phone is used to suggest a district and then forgotten. */
(function () {
  "use strict";
  const root = document.getElementById("field-app");
  if (!root || !window.idbKeyval) return;
  const { get, set, del } = window.idbKeyval;
  const data = JSON.parse(document.getElementById("field-app-data").textContent);
  const DRAFT = "faltlogg-pass";
  const QUEUE = "faltlogg-ko";
  const SENT_KEPT = 20;
  const $ = (id) => document.getElementById(id);
  let sending = false;

  const pad = (n) => String(n).padStart(2, "0");
  const nowTime = () => { const d = new Date(); return `${pad(d.getHours())}:${pad(d.getMinutes())}`; };
  const today = () => { const d = new Date(); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`; };
  const districtName = (id) => (data.districts.find((d) => d.id === id) || { name: "?" }).name;
  const kindName = (id) => (data.kinds.find((k) => k.id === id) || { name: id }).name;

  function option(select, value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  }

  function button(text, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  function fillChoices() {
    data.districts.forEach((d) => option($("area-district"), d.id, d.name));
    data.kinds.forEach((k) => option($("event-kind"), k.id, k.name));
    option($("shift-effort"), "", "–");
    data.efforts.forEach((e) => option($("shift-effort"), e.id, e.name));
    data.polare.forEach((p) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = p.id;
      box.className = "polare-box";
      box.addEventListener("change", saveFields);
      label.append(box, " ", p.name);
      $("polare").appendChild(label);
    });
    if (!data.polare.length) $("polare").textContent = "Inga aktiva polare.";
  }

  async function draft() { return (await get(DRAFT)) || null; }

  async function saveFields() {
    const d = await draft();
    if (!d) return;
    d.worked_on = $("shift-date").value;
    d.starts_at = $("shift-start").value;
    d.ends_at = $("shift-end").value;
    d.area_effort = $("shift-effort").value ? Number($("shift-effort").value) : null;
    d.polare = [...document.querySelectorAll(".polare-box")].filter((b) => b.checked).map((b) => Number(b.value));
    await set(DRAFT, d);
  }

  async function renderShift() {
    const d = await draft();
    $("no-shift").hidden = !!d;
    $("shift").hidden = !d;
    if (!d) return;
    $("shift-date").value = d.worked_on;
    $("shift-start").value = d.starts_at;
    $("shift-end").value = d.ends_at || "";
    $("shift-effort").value = d.area_effort || "";
    document.querySelectorAll(".polare-box").forEach((b) => { b.checked = d.polare.includes(Number(b.value)); });
    const areas = $("areas");
    areas.replaceChildren();
    d.areas.forEach((area, index) => {
      const li = document.createElement("li");
      const name = districtName(area.district);
      const title = document.createElement("p");
      title.textContent = `${name} från ${area.from}`;
      const counts = document.createElement("p");
      counts.className = "field-app-counts";
      counts.textContent = `Mötta: ${area.met} · Samtal: ${area.talked}`;
      const tap = (field, step) => async () => {
        const current = await draft();
        const a = current.areas[index];
        a[field] = Math.max(0, a[field] + step);
        if (a.talked > a.met) a.met = a.talked; // a talk is with someone met
        await set(DRAFT, current);
        renderShift();
      };
      li.append(
        title,
        counts,
        button("+ Mött", `Lägg till en mött ungdom i ${name}`, tap("met", 1)),
        button("+ Samtal", `Lägg till ett samtal i ${name}`, tap("talked", 1)),
        button("− Mött", `Ta bort en mött ungdom i ${name}`, tap("met", -1)),
        button("− Samtal", `Ta bort ett samtal i ${name}`, tap("talked", -1)),
      );
      areas.appendChild(li);
    });
    const events = $("events");
    events.replaceChildren();
    d.events.forEach((event, index) => {
      const li = document.createElement("li");
      li.textContent = `${event.at} ${kindName(event.kind)}${event.place ? ", " + event.place : ""}${event.note ? ": " + event.note : ""} `;
      li.appendChild(button("Ta bort", `Ta bort händelsen ${kindName(event.kind)} ${event.at}`, async () => {
        const current = await draft();
        current.events.splice(index, 1);
        await set(DRAFT, current);
        renderShift();
      }));
      events.appendChild(li);
    });
  }

  async function startShift() {
    await set(DRAFT, { worked_on: today(), starts_at: nowTime(), ends_at: "", areas: [], events: [], polare: [], area_effort: null });
    renderShift();
  }

  async function addArea() {
    await saveFields();
    const d = await draft();
    d.areas.push({ district: Number($("area-district").value), from: nowTime(), met: 0, talked: 0 });
    await set(DRAFT, d);
    renderShift();
  }

  async function addEvent() {
    await saveFields();
    const d = await draft();
    const last = d.areas[d.areas.length - 1];
    d.events.push({
      kind: $("event-kind").value,
      district: last ? last.district : null,
      place: $("event-place").value.trim(),
      at: nowTime(),
      note: $("event-note").value.trim(),
    });
    $("event-place").value = "";
    $("event-note").value = "";
    await set(DRAFT, d);
    renderShift();
  }

  function suggestDistrict() {
    const status = $("suggest-status");
    if (!navigator.geolocation) { status.textContent = "Telefonen kan inte ge position."; return; }
    status.textContent = "Hämtar position…";
    navigator.geolocation.getCurrentPosition((position) => {
      // Nearest centre point wins; the position itself goes nowhere.
      const { latitude, longitude } = position.coords;
      let best = null;
      let bestDistance = Infinity;
      data.districts.filter((d) => d.centre).forEach((d) => {
        const dy = d.centre[0] - latitude;
        const dx = (d.centre[1] - longitude) * Math.cos((latitude * Math.PI) / 180);
        const distance = dx * dx + dy * dy;
        if (distance < bestDistance) { best = d; bestDistance = distance; }
      });
      if (best) { $("area-district").value = best.id; status.textContent = `Förslag: ${best.name}`; }
      else status.textContent = "Inget område att föreslå.";
    }, () => { status.textContent = "Ingen position."; }, { maximumAge: 60000, timeout: 10000 });
  }

  async function endShift() {
    await saveFields();
    const d = await draft();
    const error = $("shift-error");
    if (!d.ends_at) d.ends_at = nowTime();
    if (!d.areas.length) { error.textContent = "Lägg till minst ett område."; return; }
    error.textContent = "";
    const payload = {
      key: crypto.randomUUID(),
      worked_on: d.worked_on,
      starts_at: d.starts_at,
      ends_at: d.ends_at,
      areas: d.areas.map((a) => ({ district: a.district, from: a.from, met: a.met, talked: a.talked })),
      events: d.events.map((e) => ({ kind: e.kind, district: e.district, place: e.place, at: e.at, note: e.note })),
      polare: d.polare,
      area_effort: d.area_effort,
    };
    const queue = (await get(QUEUE)) || [];
    queue.push({ key: payload.key, state: "waiting", payload, summary: summary(payload) });
    await set(QUEUE, queue);
    await del(DRAFT);
    await renderShift();
    await renderQueue();
    sync();
  }

  function summary(p) {
    const met = p.areas.reduce((s, a) => s + a.met, 0);
    const talked = p.areas.reduce((s, a) => s + a.talked, 0);
    return `Pass ${p.worked_on} ${p.starts_at}–${p.ends_at}: ${p.areas.length} områden, ${met} mötta, ${talked} samtal, ${p.events.length} händelser`;
  }

  async function renderQueue(loginNeeded) {
    const queue = (await get(QUEUE)) || [];
    const list = $("queue");
    list.replaceChildren();
    const words = { waiting: "Väntar", sent: "Skickad", refused: "Inte godtagen" };
    queue.forEach((entry) => {
      const li = document.createElement("li");
      li.dataset.state = entry.state;
      li.textContent = `${words[entry.state]}: ${entry.summary}${entry.error ? " (" + entry.error + ")" : ""}`;
      list.appendChild(li);
    });
    if (!queue.length) {
      const li = document.createElement("li");
      li.textContent = "Inget att skicka.";
      list.appendChild(li);
    }
    if (loginNeeded !== undefined) $("login-needed").hidden = !loginNeeded;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function sync() {
    if (sending) return;
    sending = true;
    let loginNeeded = false;
    try {
      const queue = (await get(QUEUE)) || [];
      for (const entry of queue.filter((e) => e.state === "waiting")) {
        let response;
        try {
          response = await fetch(root.dataset.syncUrl, {
            method: "POST",
            credentials: "same-origin",
            redirect: "manual",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(entry.payload),
          });
        } catch (_offline) {
          break; // no network: everything stays waiting
        }
        if (response.type === "opaqueredirect" || [302, 401, 403].includes(response.status)) {
          loginNeeded = true; // signed out or session expired: keep the entries until signed in again
          break;
        }
        if (response.status === 200 || response.status === 201) {
          entry.state = "sent";
          delete entry.payload; // sent: the server has it, the phone keeps only the line shown
        } else if (response.status === 400) {
          const body = await response.json().catch(() => ({}));
          entry.state = "refused";
          entry.error = Object.values(body.errors || {}).flat().join(" ");
        } else {
          break; // server trouble: try again later
        }
        await set(QUEUE, queue);
      }
      const sent = queue.filter((e) => e.state === "sent");
      const kept = queue.filter((e) => e.state !== "sent").concat(sent.slice(-SENT_KEPT));
      await set(QUEUE, kept);
    } finally {
      sending = false;
      renderQueue(loginNeeded);
      showNetwork();
    }
  }

  function showNetwork() {
    $("network-status").textContent = navigator.onLine ? "Ansluten." : "Ingen anslutning: loggen sparas i telefonen.";
  }

  fillChoices();
  $("start-shift").addEventListener("click", startShift);
  $("add-area").addEventListener("click", addArea);
  $("add-event").addEventListener("click", addEvent);
  $("suggest-district").addEventListener("click", suggestDistrict);
  $("end-shift").addEventListener("click", endShift);
  $("send-now").addEventListener("click", sync);
  $("discard-shift").addEventListener("click", async () => { await del(DRAFT); renderShift(); });
  ["shift-date", "shift-start", "shift-end", "shift-effort"].forEach((id) => $(id).addEventListener("change", saveFields));
  window.addEventListener("online", sync);
  window.addEventListener("offline", showNetwork);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl).catch(() => {});
  }
  renderShift();
  renderQueue();
  sync();
})();
