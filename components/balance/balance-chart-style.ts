import type { SkewState } from './skew-chart-view';

/** Colours of the balance charts, from the console's palette (globals.css). */
export const SKEW_COLORS: Record<SkewState, string> = {
  over: '#d29922',
  within: '#3fb950',
  under: '#58a6ff',
  draining: '#a371f7',
  ignored: '#5c6b7d',
};
export const BEFORE_COLOR = '#4b5b6e';
export const BAND_FILL = '#3fb950';
export const MEAN_STROKE = '#dbe4ee';
export const BALANCE_CHART_HEIGHT = 200;

export const SKEW_STATE_TEXT: Record<SkewState, string> = {
  over: 'above the band',
  within: 'within the band',
  under: 'below the band',
  draining: 'draining: only gives tenants',
  ignored: 'retired: not counted',
};
