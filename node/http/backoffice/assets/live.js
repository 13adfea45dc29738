// Live updates of the back office: when the node publishes a change that concerns a list on this
// page, the list is fetched again and swapped in. Pages work the same without this script.
(() => {
  const regions = document.querySelectorAll('[data-live-region]');
  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
  }
  if (regions.length === 0 || !('WebSocket' in window)) return;

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}/api/v1/staff/live`;
  let delay = 1000;
  let pending = false;

  function concerns(region, type) {
    const areas = (region.getAttribute('data-live') || '').split(/\s+/);
    return areas.includes(type.split('.')[0]);
  }

  // An agent typing in a form of the list keeps it: a notice asks to reload instead.
  function isBusy(region) {
    return region.contains(document.activeElement) && document.activeElement !== document.body;
  }

  function notice() {
    if (document.querySelector('.live-notice')) return;
    const note = document.createElement('p');
    note.className = 'live-notice';
    note.setAttribute('role', 'status');
    note.textContent = 'Nouveautés : rechargez la page.';
    document.body.appendChild(note);
  }

  async function refresh() {
    pending = false;
    const response = await fetch(location.href, { credentials: 'same-origin' });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    const replacements = fresh.querySelectorAll('[data-live-region]');
    regions.forEach((region, index) => {
      const next = replacements[index];
      if (!next) return;
      if (isBusy(region)) notice();
      else
        region.replaceChildren(...Array.from(next.childNodes).map((node) => document.importNode(node, true)));
    });
  }

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      delay = 1000;
    });
    socket.addEventListener('message', (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (!Array.from(regions).some((region) => concerns(region, String(event.type || '')))) return;
      if (pending) return;
      pending = true;
      // Several changes in a burst cost one fetch.
      setTimeout(() => refresh().catch(() => undefined), 300);
    });
    socket.addEventListener('close', () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
