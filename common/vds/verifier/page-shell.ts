// The verifier page's HTML and CSS, around its bundled script. One file with nothing to fetch: a
// border officer saves it on a phone or a laptop and opens it from disk with no network.

/**
 * The page's own policy (also sent as a header by the hub): nothing may be fetched — no connect,
 * image, font or frame source — so a change that made the page reach the network would fail at
 * once instead of working only where there is a connection. 'wasm-unsafe-eval' lets the inlined
 * DataMatrix decoder compile; browsers before it (Chrome < 97, Safari < 16, phones a border post
 * may still have) compile WebAssembly only under 'unsafe-eval', so that is allowed too: the page
 * runs no code but its own and writes what it reads as text, never as HTML. Forms go nowhere.
 */
export const VERIFIER_PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; " +
  "img-src data: blob:; form-action 'none'; base-uri 'none'";

const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.4}
body{margin:0 auto;max-width:46rem;padding:1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
.en{display:block;color:#4a4a4a;font-style:italic}
section{border:1px solid #bbb;border-radius:.4rem;padding:.6rem .9rem;margin:.8rem 0}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=file]{font-size:1rem;max-width:100%}
textarea{width:100%;box-sizing:border-box;font:1rem ui-monospace,Menlo,Consolas,monospace;padding:.4rem}
button{font-size:1.05rem;padding:.55rem 1.2rem;margin-top:.5rem;background:#003f87;color:#fff;border:0;border-radius:.3rem}
button:focus,input:focus,textarea:focus{outline:3px solid #f5b800;outline-offset:2px}
#result.valid{border:3px solid #0a6b2b;background:#eaf7ee}
#result.refused{border:3px solid #a30d0d;background:#fcecec}
#verdict{font-size:1.2rem;font-weight:700;margin:.2rem 0}
#verdict-detail{font-size:.85rem;color:#333;word-break:break-word}
#trust-warning{color:#8a4b00;font-weight:600}
table{border-collapse:collapse;width:100%;margin-top:.5rem}
th,td{text-align:left;vertical-align:top;padding:.3rem .4rem;border-top:1px solid #ccc}
th{width:40%;font-weight:600}th .en{font-weight:400}
td.mrz{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:pre;overflow-x:auto;font-size:.8rem}
`;

const BODY = `
<header>
<h1><span lang="fr" class="fr">Vérifier un visa ou un laissez-passer centrafricain</span><span lang="en" class="en">Check a Central African visa or laissez-passer</span></h1>
<p><span lang="fr" class="fr">Cachet électronique visible (OACI Doc 9303, partie 13), vérifié sur cet appareil, sans réseau.</span><span lang="en" class="en">Visible digital seal (ICAO Doc 9303, part 13), checked on this device, with no network.</span></p>
</header>
<main id="verifier">
<noscript><p><strong>JavaScript est nécessaire pour vérifier. / JavaScript is needed to verify.</strong></p></noscript>
<section aria-labelledby="trust-title">
<h2 id="trust-title"><span lang="fr" class="fr">1. Paquet de confiance du ministère</span><span lang="en" class="en">1. The ministry’s trust bundle</span></h2>
<p id="trust-status" role="status" data-state="none"></p>
<p id="trust-warning" role="alert" hidden></p>
<label for="bundle-file"><span lang="fr" class="fr">Charger le fichier du paquet (JSON, publié par le ministère)</span><span lang="en" class="en">Load the bundle file (JSON, published by the ministry)</span></label>
<input type="file" id="bundle-file" accept=".json,application/json">
</section>
<section aria-labelledby="seal-title">
<h2 id="seal-title"><span lang="fr" class="fr">2. Le sceau du document</span><span lang="en" class="en">2. The document’s seal</span></h2>
<div id="image-block" hidden>
<label for="seal-photo"><span lang="fr" class="fr">Photographier le code DataMatrix</span><span lang="en" class="en">Take a photo of the DataMatrix</span></label>
<input type="file" id="seal-photo" accept="image/*" capture="environment">
<label for="seal-image"><span lang="fr" class="fr">Ou choisir une image (PNG, JPEG)</span><span lang="en" class="en">Or choose an image (PNG, JPEG)</span></label>
<input type="file" id="seal-image" accept="image/png,image/jpeg,image/*">
</div>
<p id="no-image-note" hidden><span lang="fr" class="fr">Cette version de la page ne lit pas les images : saisissez le contenu du code en hexadécimal.</span><span lang="en" class="en">This version of the page does not read images: enter the code’s payload in hexadecimal.</span></p>
<form id="hex-form" action="#">
<label for="seal-hex"><span lang="fr" class="fr">Contenu du code en hexadécimal</span><span lang="en" class="en">The code’s payload in hexadecimal</span></label>
<textarea id="seal-hex" rows="5" spellcheck="false" autocomplete="off" autocapitalize="characters"></textarea>
<button type="submit"><span lang="fr">Vérifier</span> / <span lang="en">Verify</span></button>
</form>
</section>
<section id="result" aria-live="polite" hidden>
<p id="verdict"></p>
<p id="verdict-detail"></p>
<p id="data-caption" hidden></p>
<table><tbody id="seal-data"></tbody></table>
</section>
</main>
`;

/** The whole page around a bundled script (an IIFE). */
export function verifierPageHtml(script: string): string {
  // A script element ends at the first `</script` whatever the JavaScript means there.
  const safe = script.replace(/<\/(script)/gi, '<\\/$1');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${VERIFIER_PAGE_CSP}">
<meta name="referrer" content="no-referrer">
<title>Vérification des visas RCA / CAR visa verifier</title>
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${safe}</script>
</body>
</html>
`;
}
