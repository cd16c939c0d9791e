// The mock profile's parameters as the scenario schema bounds them (`providers[].overrides`):
// the mock applies the same bounds to overrides from `stampede mock --set` and startMockServer,
// so `validate` refuses exactly what the mock would.
import schemaJson from '../../media/stampede.schema.json';

export interface MockParameterRule {
  type: string;
  minimum?: number;
  maximum?: number;
}

type OverridesSchema = { definitions: { provider: { properties: { overrides: { properties: Record<string, MockParameterRule> } } } } };

export const MOCK_PARAMETER_RULES: Readonly<Record<string, MockParameterRule>> = (schemaJson as unknown as OverridesSchema).definitions.provider.properties.overrides.properties;
