import { LANGUAGE_STORAGE_KEY } from './language-choice';

/**
 * The inline script every page carries (vite.config.ts puts it in each page's head): when a page's own code does
 * not arrive, because a slow rural network dropped it or a deployment replaced it while the page loaded (the old
 * name then answers a page, which an import refuses), the page says so in large type, with a button that loads
 * it again, instead of staying blank. A page that rendered is left alone. Its texts come from here, in the page's
 * language as web/shared/i18n.ts's currentLocale chooses it (?lang=, else the kept choice); its styles are set on
 * the elements, since the page's stylesheet may not have arrived either (and the CSP allows no style attribute,
 * only the CSSOM). ES5, as the legacy notice is, so that no browser that runs modules fails to parse it
 * (test/rules/load-failed.test.ts). No DOM here: the build config imports this module.
 */
const LOAD_FAILED_TEXT = {
  'zh-CN': { message: '页面没有完全打开，可能是网络不好。请点下面的按钮再试一次。', reload: '重新打开' },
  en: { message: 'The page did not load completely; the network may be poor. Tap the button below to try again.', reload: 'Try again' },
} as const;

/** A value as a JavaScript literal safe inside an HTML <script>: no `</script>` or `<!--`, no U+2028/U+2029 (a syntax error before ES2019). */
export function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/[<\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function loadFailedScript(): string {
  return `(function () {
  var texts = ${scriptLiteral(LOAD_FAILED_TEXT)};
  addEventListener('error', function (event) {
    var script = event.target;
    if (!script || script.tagName !== 'SCRIPT' || script.type !== 'module') return;
    var app = document.getElementById('app');
    if (!app || app.childNodes.length) return;
    var chosen = null;
    try {
      chosen = new URLSearchParams(location.search).get('lang');
      if (chosen === null) chosen = localStorage.getItem(${scriptLiteral(LANGUAGE_STORAGE_KEY)});
    } catch (e) {}
    var locale = chosen && chosen.indexOf('en') === 0 ? 'en' : 'zh-CN';
    var text = texts[locale];
    var box = document.createElement('div');
    box.setAttribute('role', 'alert');
    box.lang = locale;
    box.style.cssText = 'margin:24px 16px;padding:16px;border-radius:8px;background:#fdecea;color:#9e0f14;font-size:22px;line-height:1.6';
    var message = document.createElement('p');
    message.style.margin = '0 0 16px';
    message.textContent = text.message;
    var again = document.createElement('button');
    again.type = 'button';
    again.textContent = text.reload;
    again.style.cssText = 'min-height:56px;width:100%;border:0;border-radius:8px;background:#c8161d;color:#fff;font-size:22px';
    again.addEventListener('click', function () { location.reload(); });
    box.appendChild(message);
    box.appendChild(again);
    app.appendChild(box);
  }, true);
})();`;
}
