export { VERSION } from '../core/version';
