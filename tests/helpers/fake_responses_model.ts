// A scripted OpenAI Responses API "model" for end-to-end tests: answers /responses, streamed or not.
import { type FakeReply, pieces } from "./fake_model.ts";
import { jsonResponse, type RecordedRequest, streamResponse } from "./mock_upstream.ts";

/** The parts of a Responses request a fake brain looks at. */
export interface ResponsesRequestBody {
  model: string;
  stream?: boolean;
  instructions?: string;
  input: Array<Record<string, unknown>>;
  tools?: Array<{ type: string; name?: string; strict?: boolean; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** Decides the reply from the converted request. */
export type FakeResponsesBrain = (request: ResponsesRequestBody) => FakeReply;

const USAGE = {
  input_tokens: 42,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 7,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 49,
};

/** Responses SSE frames: `event: <type>` and the event, numbered, as data. */
export function responsesSse(events: Array<Record<string, unknown>>): string[] {
  return events.map((event, i) =>
    `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: i })}\n\n`
  );
}

/** Builds a mock handler that answers like the OpenAI Responses API. */
export function fakeResponsesModel(brain: FakeResponsesBrain) {
  return (req: RecordedRequest): Response => {
    const request = req.json<ResponsesRequestBody>();
    const reply = brain(request);
    const text = reply.text ?? "";
    const reasoning = "reasoning" in reply ? reply.reasoning : undefined;
    const calls = "toolCalls" in reply ? reply.toolCalls : [];
    const output: Array<Record<string, unknown>> = [];
    if (reasoning) {
      output.push({
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: reasoning }],
      });
    }
    if (text) {
      output.push({
        type: "message",
        id: "msg_1",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text, annotations: [] }],
      });
    }
    calls.forEach((call, i) =>
      output.push({
        type: "function_call",
        id: `fc_${i}`,
        call_id: call.id,
        name: call.name,
        arguments: JSON.stringify(call.arguments),
        status: "completed",
      })
    );
    const response = {
      id: "resp_fake",
      object: "response",
      status: "completed",
      model: request.model,
      error: null,
      incomplete_details: null,
      output,
      usage: USAGE,
    };
    if (!request.stream) return jsonResponse(response);
    const events: Array<Record<string, unknown>> = [
      { type: "response.created", response: { ...response, status: "in_progress", output: [] } },
    ];
    output.forEach((item, index) => {
      if (item.type === "reasoning") {
        events.push({
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, summary: [] },
        });
        for (const delta of pieces(reasoning!, 5)) {
          events.push({
            type: "response.reasoning_summary_text.delta",
            item_id: item.id,
            output_index: index,
            summary_index: 0,
            delta,
          });
        }
      } else if (item.type === "message") {
        events.push({
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, content: [] },
        });
        for (const delta of pieces(text, 4)) {
          events.push({
            type: "response.output_text.delta",
            item_id: item.id,
            output_index: index,
            content_index: 0,
            delta,
          });
        }
      } else {
        events.push({
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, arguments: "" },
        });
        for (const delta of pieces(String(item.arguments), 7)) {
          events.push({
            type: "response.function_call_arguments.delta",
            item_id: item.id,
            output_index: index,
            delta,
          });
        }
      }
      events.push({ type: "response.output_item.done", output_index: index, item });
    });
    events.push({ type: "response.completed", response });
    return streamResponse(responsesSse(events), {
      signal: req.signal,
      headers: { "content-type": "text/event-stream" },
    });
  };
}
