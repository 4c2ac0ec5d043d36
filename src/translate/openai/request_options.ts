// The options of the request translation: what the route and provider decide. Types only.

/** Options for `toOpenAIRequest`. */
export interface ToOpenAIRequestOptions {
  /** The upstream model name (already routed). */
  model: string;
  /** Send `max_completion_tokens` and no `temperature`/`top_p`. Default: `isOpenAIReasoningModel(model)`. */
  reasoningModel?: boolean;
  /** Set `reasoning_effort` when the request asks for thinking or effort. Default: `reasoningModel`. */
  sendReasoningEffort?: boolean;
  /** The highest effort the upstream accepts; Anthropic `max` maps to it. Default "high". */
  maxEffort?: "high" | "xhigh";
  /** Send assistant thinking blocks back as `reasoning_content` (DeepSeek requires it). Default false. */
  reasoningHistory?: boolean;
  /** Send base64 PDF documents as `file` parts; when false they are refused. Default false. */
  supportsDocuments?: boolean;
  /** The provider name, for error messages. */
  providerName?: string;
  /** Top-level OpenAI fields removed from the output after translation (the config's `[params] drop`). */
  drop?: string[];
  /**
   * How `output_config.format` reaches the provider: `response_format` with the schema
   * ("json_schema", the default), `json_object` plus the schema in the system prompt
   * ("json_object"), or the schema in the system prompt alone ("instruction").
   */
  structuredOutput?: StructuredOutputSupport;
}

/** What structured output a provider takes; see {@linkcode ToOpenAIRequestOptions.structuredOutput}. */
export type StructuredOutputSupport = "json_schema" | "json_object" | "instruction";
