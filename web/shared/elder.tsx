/**
 * 长辈版 (elderly mode, after the MIIT 适老化 rules for web pages): larger type and targets, stronger
 * contrast, no pop-ups. A visible switch on the ballot and village pages, remembered on the phone
 * (localStorage); it sets `html.elder`, which each page's CSS enlarges (in rem, so the phone's own font
 * size still counts). Speech: a 🔊 button reads a question and its options aloud, shown only where the
 * browser has a Chinese voice.
 */
import { useEffect, useState } from 'preact/hooks';

const ELDER_KEY = 'xp_elder';

function storedElder(): boolean {
  try {
    return localStorage.getItem(ELDER_KEY) === '1';
  } catch {
    return false;
  }
}

/** Applies the remembered mode: called by the page before its first render, so nothing jumps. */
export function applyElder(on = storedElder()): void {
  document.documentElement.classList.toggle('elder', on);
}

export function ElderSwitch({ labels }: { labels: { on: string; off: string } }) {
  const [on, setOn] = useState(storedElder);
  return (
    <button
      type="button"
      class="elder-switch"
      aria-pressed={on}
      onClick={() => {
        const next = !on;
        try {
          localStorage.setItem(ELDER_KEY, next ? '1' : '0');
        } catch {
          /* not remembered: this page still switches */
        }
        applyElder(next);
        setOn(next);
      }}
    >
      {on ? labels.off : labels.on}
    </button>
  );
}

/** A Chinese voice of this browser, if it has one (voices may arrive after the page has loaded). */
function chineseVoice(): SpeechSynthesisVoice | undefined {
  if (typeof speechSynthesis === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined') return undefined;
  return speechSynthesis.getVoices().find((voice) => /^zh([-_](CN|Hans))?/i.test(voice.lang));
}

/** Whether to show 🔊: true once the browser reports a Chinese voice. */
export function useChineseVoice(): boolean {
  const [has, setHas] = useState(() => !!chineseVoice());
  useEffect(() => {
    if (has || typeof speechSynthesis === 'undefined') return;
    const check = () => setHas(!!chineseVoice());
    speechSynthesis.addEventListener?.('voiceschanged', check);
    return () => speechSynthesis.removeEventListener?.('voiceschanged', check);
  }, []);
  return has;
}

/** Reads the text aloud in the Chinese voice, stopping whatever was being read. */
export function speak(text: string): void {
  const voice = chineseVoice();
  if (!voice) return;
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.voice = voice;
  utterance.lang = voice.lang;
  utterance.rate = 0.9;
  speechSynthesis.speak(utterance);
}
