/** A storage failure of the history, shown where the agent looks (coaching goes on regardless). */
import type { Language } from '../../../core/coach/types';
import type { HistoryProblem } from '../../../core/messages';
import { t } from '../i18n';

export function HistoryProblemBanner({ problem, language }: { problem: HistoryProblem | null; language: Language }) {
  if (!problem) return null;
  return (
    <div class="banner" role="alert" data-testid="history-problem" data-kind={problem.kind}>
      <p>
        <span aria-hidden="true">⚠ </span>
        {t(language, `history_problem_${problem.kind}`)} {t(language, 'history_problem_coaching_goes_on')}
      </p>
      <p class="hint">{problem.message}</p>
    </div>
  );
}
