/**
 * The live panel's spec comes from the chart kit (src/charts/training.ts),
 * like every chart of the report; these names stay for the dashboard server.
 */
export { trainingPanelChart as panelSpec, type TrainingPanelLayout as PanelLayout } from '../charts/training';
