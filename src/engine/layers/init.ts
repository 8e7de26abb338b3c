import type { FloatArray } from '../tensor';
import type { InitSpec } from '../model/spec';
import type { Random } from '../random';

/**
 * Initial weights for a dense layer with `fanIn` inputs and `fanOut` outputs.
 *
 * - uniform:  W, b ~ U[-limit, limit] (the notes: limit 1, biases too)
 * - gaussian: W ~ N(0, std²), b = 0 (the notes: std 0.01)
 * - xavier:   W ~ U[-a, a], a = sqrt(6 / (fanIn + fanOut)), b = 0 (Glorot & Bengio, 2010)
 * - he:       W ~ N(0, 2 / fanIn), b = 0 (He et al., 2015), for ReLU-family layers
 */
export function initialise(
  weights: FloatArray,
  bias: FloatArray,
  init: InitSpec,
  fanIn: number,
  fanOut: number,
  random: Random,
): void {
  switch (init.kind) {
    case 'uniform': {
      const limit = init.limit ?? 1;
      for (let i = 0; i < weights.length; i++) weights[i] = random.uniform(-limit, limit);
      for (let i = 0; i < bias.length; i++) bias[i] = random.uniform(-limit, limit);
      return;
    }
    case 'gaussian': {
      const std = init.std ?? 0.01;
      for (let i = 0; i < weights.length; i++) weights[i] = std * random.gaussian();
      bias.fill(0);
      return;
    }
    case 'xavier': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < weights.length; i++) weights[i] = random.uniform(-limit, limit);
      bias.fill(0);
      return;
    }
    case 'he': {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < weights.length; i++) weights[i] = std * random.gaussian();
      bias.fill(0);
      return;
    }
  }
}
