/** The heap limits the services run with (NODE_OPTIONS). */
export declare const SERVICE_NODE_OPTIONS: string;
