/**
 * The practice softphone page. Browsers never inject content scripts into an extension's own
 * pages, so this page runs the content-script code itself, first, exactly as a softphone page
 * gets it: its `practice` adapter listens to this phone's events, and the coach's nudges come
 * back to this tab the same way as to any softphone tab. (Its handshake to a page hook finds no
 * hook here and goes unanswered, which is harmless.) The page itself never imports the coach.
 *
 * Stable hooks for tests (data-testid): `practice` (`data-ready`, `data-language`), `loading`,
 * `load-error`, `mute`, `voice-note`, `scenario-<id>` (radio), `start`; `phone` (`data-phase`
 * idle | waiting | ringing | connected | on-hold | transferring | ended, `data-call-id`,
 * `data-started-at` = epoch ms of the first ring), `phone-status`, `ring-count` (`data-ring`),
 * `answer`, `hold`, `resume`, `colleague` (select), `transfer`, `hangup`, `say-<line id>`,
 * `say-whole-greeting`, `free-text`, `say-text`, `transcript` with `transcript-item`
 * (`data-who` agent | caller | system, `data-line`); `score-card` (`data-scenario`),
 * `score-outcome`, `score-rule` (`data-rule`, `data-verdict` good | improve | not-reached,
 * `data-focus`), `score-well`, `score-improve`, `score-tip`, `score-nudge` (`data-rule`),
 * `practice-again`. A `?scenario=<id>` parameter preselects a scenario.
 */
// The coaching UI and the content script's coaching part first, so the content-script code finds
// them here rather than asking the background to inject them.
import '../../content/content-ui';
import '../../content/content-coaching';
import '../../content/content-script';
import { render } from 'preact';
import { PRACTICE_EVENT } from '../../core/practice/channel';
import { createBackgroundClient } from '../shared/background-client';
import { PracticeApp } from './app';
import { createRingtone } from './ringtone';
import { createVoice } from './voice';
import './practice.css';

const root = document.getElementById('app');
if (root) {
  render(
    <PracticeApp
      actions={createBackgroundClient()}
      env={{
        dispatch: (detail) => window.dispatchEvent(new CustomEvent(PRACTICE_EVENT, { detail })),
        ringtone: createRingtone(),
        voice: createVoice(),
        initialScenario: new URLSearchParams(location.search).get('scenario'),
      }}
    />,
    root,
  );
}
