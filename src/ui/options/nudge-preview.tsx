/**
 * "Show me this nudge": the rule's sample nudges drawn by the same component, in the same shadow
 * root styling and corner, as on the softphone page. Dismissing, answering or ticking works as
 * there (trusted clicks only); nothing is recorded.
 */
import { render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Language } from '../../core/coach/types';
import { NudgeStack, type ShownNudge } from '../../content/nudges/nudge-stack';
import { NUDGE_CSS } from '../../content/nudges/styles';
import type { Preview } from './rule-meta';

export interface NudgePreviewProps {
  language: Language;
  preview: Preview;
  now: number;
  onClose(): void;
}

export function NudgePreview({ language, preview, now, onClose }: NudgePreviewProps) {
  const host = useRef<HTMLDivElement>(null);
  const mount = useRef<HTMLDivElement | null>(null);
  const [gone, setGone] = useState<readonly string[]>([]);
  const [checked, setChecked] = useState<Readonly<Record<string, readonly string[]>>>({});

  const shown: ShownNudge[] = preview.nudges
    .filter((n) => !gone.includes(n.key))
    .map((nudge) => ({ nudge, shownAt: now, checked: checked[nudge.key] ?? [] }));

  const close = (key: string) => {
    const next = [...gone, key];
    setGone(next);
    if (preview.nudges.every((n) => next.includes(n.key))) onClose();
  };

  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    if (!mount.current) {
      const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = NUDGE_CSS;
      const container = document.createElement('div');
      root.append(style, container);
      mount.current = container;
    }
    render(
      <NudgeStack
        language={language}
        nudges={shown}
        rings={preview.rings}
        now={now}
        onDismiss={close}
        onAnswer={close}
        onCheck={(key, itemId, on) =>
          setChecked((all) => {
            const items = all[key] ?? [];
            return { ...all, [key]: on ? [...items, itemId] : items.filter((id) => id !== itemId) };
          })
        }
      />,
      mount.current,
    );
  });

  useEffect(
    () => () => {
      if (mount.current) render(null, mount.current);
    },
    [],
  );

  return <div ref={host} class="nudge-preview" data-testid="nudge-preview" />;
}
