/** The monthly sign-off evidence: a signature drawn on the phone, or a photo of the signed paper sheet, as a small data: URL. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../t';

/** The API takes at most 60,000 characters of evidence (inside a 64 KB request); keep a margin. */
export const EVIDENCE_LIMIT = 58_000;

/** A canvas the household head signs on with a finger; exports PNG. */
export function SignaturePad(props: { onChange(dataUrl: string | null): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [empty, setEmpty] = useState(true);

  useEffect(() => {
    const c = canvas.current!;
    // a crisp line on high-density screens, capped so the PNG stays small
    const scale = Math.min(2, window.devicePixelRatio || 1);
    c.width = Math.round(c.clientWidth * scale);
    c.height = Math.round(c.clientHeight * scale);
    const ctx = c.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
  }, []);

  const point = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };
  const finish = () => {
    if (!drawing.current) return;
    drawing.current = false;
    props.onChange(exportSignature(canvas.current!));
  };

  return (
    <div class="signature">
      <canvas
        ref={canvas}
        class="signature-pad"
        aria-label={t('visit.sign_here')}
        role="img"
        onPointerDown={(e) => {
          e.preventDefault();
          canvas.current!.setPointerCapture?.(e.pointerId);
          drawing.current = true;
          const ctx = canvas.current!.getContext('2d')!;
          const [x, y] = point(e);
          ctx.beginPath();
          ctx.moveTo(x, y);
          ctx.lineTo(x + 0.1, y + 0.1);
          ctx.stroke();
          setEmpty(false);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const ctx = canvas.current!.getContext('2d')!;
          const [x, y] = point(e);
          ctx.lineTo(x, y);
          ctx.stroke();
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
        onPointerLeave={finish}
      />
      <div class="signature-bar">
        <span class="muted">{empty ? t('visit.sign_here') : ''}</span>
        <button
          type="button"
          class="secondary small"
          onClick={() => {
            const c = canvas.current!;
            c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
            setEmpty(true);
            props.onChange(null);
          }}
        >
          {t('visit.sign_clear')}
        </button>
      </div>
    </div>
  );
}

/** PNG of the pad on a white background; halves the resolution if it would not fit the limit. */
function exportSignature(source: HTMLCanvasElement): string {
  for (const factor of [1, 0.5, 0.35]) {
    const out = document.createElement('canvas');
    out.width = Math.max(1, Math.round(source.width * factor));
    out.height = Math.max(1, Math.round(source.height * factor));
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0, out.width, out.height);
    const url = out.toDataURL('image/png');
    if (url.length <= EVIDENCE_LIMIT) return url;
  }
  return source.toDataURL('image/jpeg', 0.5);
}

/** A photo shrunk to a grey JPEG under the limit (a phone photo is megabytes; the sheet stays legible at ~800 px). */
export async function shrinkPhoto(file: File): Promise<string | null> {
  const url = URL.createObjectURL(file);
  try {
    const image = await new Promise<HTMLImageElement>((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = url;
    });
    for (const side of [1000, 800, 640, 480, 360]) {
      const scale = Math.min(1, side / Math.max(image.naturalWidth, image.naturalHeight));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      const ctx = canvas.getContext('2d')!;
      ctx.filter = 'grayscale(1)';
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      for (const quality of [0.6, 0.45, 0.3]) {
        const data = canvas.toDataURL('image/jpeg', quality);
        if (data.length <= EVIDENCE_LIMIT) return data;
      }
    }
    return null;
  } finally {
    URL.revokeObjectURL(url);
  }
}
