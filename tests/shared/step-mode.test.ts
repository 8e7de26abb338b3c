import { describe, expect, it } from 'vitest';
import { StepModeSession } from '../../src/engine-process/step-mode';
import { modelSpecFor } from '../../src/engine/training/architecture';
import { Sequential } from '../../src/engine/model/sequential';
import { preset } from '../../src/shared/presets';
import { denseParameterCount, describeStepRefusal, STEP_LIMITS, stepRefusal } from '../../src/shared/step-mode';

const mlp = (...units: number[]) => ({ hiddenLayers: units.map((n) => ({ units: n, activation: 'relu' as const })) });

describe("step mode's rule, shared by the engine and the Train form", () => {
  it("counts an MLP's parameters as the engine's model has them", () => {
    expect(denseParameterCount(mlp(100))).toBe(79_510); // the notes' 784-100-10
    expect(denseParameterCount(mlp(32))).toBe(25_450);
    for (const h of [preset('seed-classic'), preset('seed-layered'), { ...preset('quick'), ...mlp(64, 32) }]) {
      const model = new Sequential(modelSpecFor(h), { seed: 1 });
      expect(denseParameterCount(h)).toBe(model.params().reduce((sum, p) => sum + p.value.length, 0));
    }
  });

  it('takes fully connected networks up to the limit and refuses conv nets and larger ones by reason', () => {
    expect(stepRefusal(preset('seed-classic'))).toBeUndefined();
    expect(stepRefusal(mlp(377))).toBeUndefined(); // 299,727 parameters
    expect(stepRefusal(mlp(378))).toEqual({
      reason: 'too-many-parameters',
      parameters: 300_520,
      limit: STEP_LIMITS.parameters,
    });
    expect(stepRefusal(preset('lenet'))).toEqual({ reason: 'convolution' });
    expect(describeStepRefusal({ reason: 'too-many-parameters', parameters: 300_520, limit: 300_000 })).toBe(
      'step mode takes networks of up to 300,000 parameters; this one has 300,520',
    );
  });

  it('is the rule the engine applies when a session starts', () => {
    expect(() => new StepModeSession({ ...preset('quick'), ...mlp(378) }, { rows: 28, cols: 28 } as never)).toThrow(
      'this one has 300,520',
    );
  });
});
