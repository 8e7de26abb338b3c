import { AdaGrad } from './adagrad';
import { Adam } from './adam';
import { Momentum } from './momentum';
import { Nesterov } from './nesterov';
import type { Optimizer } from './optimizer';
import { RMSProp } from './rmsprop';
import { SGD } from './sgd';

export { Optimizer } from './optimizer';
export { SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam };

export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

export interface OptimizerSpec {
  kind: OptimizerKind;
  learningRate: number;
  /** Momentum and Nesterov's α (default 0.9). */
  momentum?: number;
  /** Adam's β1, β2 (defaults 0.9, 0.999). */
  beta1?: number;
  beta2?: number;
  /** RMSProp's decay ρ (default 0.9). */
  rho?: number;
}

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  const lr = spec.learningRate;
  switch (spec.kind) {
    case 'sgd':
      return new SGD(lr);
    case 'momentum':
      return new Momentum(lr, spec.momentum);
    case 'nesterov':
      return new Nesterov(lr, spec.momentum);
    case 'adagrad':
      return new AdaGrad(lr);
    case 'rmsprop':
      return new RMSProp(lr, spec.rho);
    case 'adam':
      return new Adam(lr, spec.beta1, spec.beta2);
  }
}
