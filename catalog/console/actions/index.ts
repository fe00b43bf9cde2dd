export { formFieldsOf, type FieldKind, type FormField } from './form-fields.ts';
export { controlName, readFormSubmission, type FormSubmission } from './form-values.ts';
export { actionsOffered, entityOptions, MAX_PICKER_TEXT, type EntityOption, type PickerScope } from './offered.ts';
export { workOutDefaults, type DefaultContext, type WorkedOutDefault } from './jq-defaults.ts';
export { entityInputOf, pickerScopeOf, PickerScopeError } from './picker-scope.ts';
export { visibilityOf, type Visibility } from './visibility.ts';
export type { FormContext } from './form-context.ts';
