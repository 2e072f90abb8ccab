import { Rectangle, type BarShapeProps } from 'recharts';
import { SKEW_COLORS } from './balance-chart-style';
import type { SkewState } from './skew-chart-view';

/** A Bar `shape` colouring each bar by its shard's state against the band (Recharts 3's replacement for per-bar <Cell>). */
export function stateBarShape(states: readonly SkewState[]) {
  return function StateBar(props: BarShapeProps) {
    return <Rectangle {...props} fill={SKEW_COLORS[states[props.index] ?? 'within']} />;
  };
}
