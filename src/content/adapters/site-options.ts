/**
 * What the options page derives from the adapter registry: the choices of a site's `adapter`
 * setting and the cloud softphones' one-click presets. A module of its own so that the content
 * script does not carry them.
 */
import type { SoftphoneSite } from '../../core/coach/config';
import { ADAPTERS } from '.';

/** The choices of a site's `adapter` setting, from the adapters that name one. */
export const SITE_CHOICES = ADAPTERS.filter((a) => a.siteChoice !== undefined).map((a) => ({
  value: a.siteChoice as SoftphoneSite['adapter'],
  label: a.label,
}));

/** One-click presets: a vendor's origins as sites (optional host permissions). */
export const SITE_PRESETS = ADAPTERS.filter((a) => a.preset).map((a) => ({ id: a.id, label: a.label, origins: a.preset?.origins ?? [] }));

