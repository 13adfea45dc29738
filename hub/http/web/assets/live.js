// Live updates of the hub's pages: when ingest commits something, the hub says which mission and
// which figures changed; a page concerned fetches itself again and swaps its live regions. The
// pages work the same without this script (reload to see new figures).
(() => {
  const regions = document.querySelectorAll('[data-live-region]');
  if (regions.length === 0 || !('WebSocket' in window)) return;
  const base = document.body.getAttribute('data-base') || '';
  const mission = document.body.getAttribute('data-live-mission') || '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}${base}/live`;
  let delay = 1000;
  let timer = null;

  // A user typing in a region keeps it: its content is swapped on the next change instead.
  function isBusy(region) {
    const active = document.activeElement;
    return active !== null && active !== document.body && region.contains(active);
  }

  async function refresh() {
    timer = null;
    const response = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok || response.redirected) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    const replacements = fresh.querySelectorAll('[data-live-region]');
    regions.forEach((region, index) => {
      const next = replacements[index];
      if (!next || isBusy(region)) return;
      region.replaceChildren(...Array.from(next.childNodes).map((node) => document.importNode(node, true)));
    });
  }

  function onNotice(message) {
    let notice;
    try {
      notice = JSON.parse(message.data);
    } catch {
      return;
    }
    if (mission !== '' && notice.missionId !== mission) return;
    // A burst of changes (a mission catching up) costs one fetch.
    if (timer === null) timer = setTimeout(() => refresh().catch(() => undefined), 250);
  }

  function connect() {
    const socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      delay = 1000;
    });
    socket.addEventListener('message', onNotice);
    socket.addEventListener('close', () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
