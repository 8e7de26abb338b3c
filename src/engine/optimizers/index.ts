import { AdaGrad } from './adagrad';
import { Adam } from './adam';
import { Momentum } from './momentum';
import { Nesterov } from './nesterov';
import type { Optimizer, OptimizerSpec } from './optimizer';
import { RMSProp } from './rmsprop';
import { SGD } from './sgd';

export { Optimizer } from './optimizer';
export type { OptimizerKind, OptimizerSpec, ParamRange } from './optimizer';
export { SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam };

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  const optimizer = byKind(spec);
  optimizer.spec = { ...spec };
  return optimizer;
}

function byKind(spec: OptimizerSpec): Optimizer {
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
