/**
 * The caller's voice: `speechSynthesis` where the browser has a voice for the call's language.
 * Headless browsers (and many Linux ones) have none: then nothing is spoken, and the page says
 * the caller's lines are text only. Lines are always shown as text as well.
 */
import type { Language } from '../../core/practice/types';

export interface Voice {
  /** Whether a voice for `language` exists (may become true once the browser has loaded its voices). */
  available(language: Language): boolean;
  speak(text: string, language: Language): void;
  cancel(): void;
  /** Called when the browser's list of voices changes. */
  onChange(listener: () => void): () => void;
}

export function createVoice(): Voice {
  const synth: SpeechSynthesis | undefined = typeof speechSynthesis === 'undefined' ? undefined : speechSynthesis;
  const voiceFor = (language: Language): SpeechSynthesisVoice | undefined => {
    try {
      return synth?.getVoices().find((v) => v.lang.toLowerCase().startsWith(language));
    } catch {
      return undefined;
    }
  };
  return {
    available: (language) => voiceFor(language) !== undefined,
    speak(text, language) {
      const voice = voiceFor(language);
      if (!synth || !voice) return;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      synth.speak(utterance);
    },
    cancel() {
      synth?.cancel();
    },
    onChange(listener) {
      if (!synth) return () => undefined;
      synth.addEventListener('voiceschanged', listener);
      return () => synth.removeEventListener('voiceschanged', listener);
    },
  };
}
