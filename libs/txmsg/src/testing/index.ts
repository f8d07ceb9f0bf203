export { waitFor, type WaitForOptions } from './wait-for';
