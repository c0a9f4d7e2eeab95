import Foundation
import Logging
import MCP

/// `catalyst mcp`: the MCP server for Claude over stdio. Resources read the projection views directly;
/// tools are commands sent to the running `catalyst serve` API with the agent principal's key, so they
/// are recorded as that agent and can never act as a human.
public enum CatalystMCPServer {
    public static func run(resources: MCPResources, tools: MCPTools, local: MCPLocalTools = MCPLocalTools(), logger: Logger) async throws {
        let server = Server(
            name: "catalyst-ledger", version: "1.0.0",
            capabilities: .init(
                prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        let prompts = MCPPrompts(resources: resources)

        await server.withMethodHandler(ListResources.self) { _ in
            .init(
                resources: MCPResources.catalog.map {
                    Resource(name: $0.name, uri: $0.uri, description: $0.description, mimeType: "application/json")
                })
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            .init(
                templates: MCPResources.templates.map {
                    Resource.Template(uriTemplate: $0.uri, name: $0.name, description: $0.description, mimeType: "application/json")
                })
        }
        await server.withMethodHandler(ListPrompts.self) { _ in
            .init(
                prompts: MCPPrompts.specs.map { spec in
                    Prompt(
                        name: spec.name, title: spec.title, description: spec.description,
                        arguments: spec.arguments.map { .init(name: $0.name, description: $0.description, required: $0.required) })
                })
        }
        await server.withMethodHandler(GetPrompt.self) { params in
            do {
                let (description, parts) = try await prompts.get(params.name, arguments: params.arguments ?? [:])
                return .init(
                    description: description,
                    messages: parts.map { part in
                        switch part {
                        case .text(let text): .user(.text(text: text))
                        case .resource(let uri, let json): .user(.resource(resource: .text(json, uri: uri, mimeType: "application/json")))
                        }
                    })
            } catch let failure as MCPResources.Failure {
                throw MCPError.invalidParams(failure.description)
            } catch {
                logger.error("prompt failed", metadata: ["prompt": "\(params.name)", "error": "\(error)"])
                throw MCPError.internalError("prompt \(params.name) failed: \(error)")
            }
        }
        await server.withMethodHandler(ReadResource.self) { params in
            do {
                let text = try await resources.read(params.uri)
                return .init(contents: [Resource.Content.text(text, uri: params.uri, mimeType: "application/json")])
            } catch let failure as MCPResources.Failure {
                throw MCPError.invalidParams(failure.description)
            } catch {
                logger.error("resource read failed", metadata: ["uri": "\(params.uri)", "error": "\(error)"])
                throw MCPError.internalError("reading \(params.uri) failed: \(error)")
            }
        }
        await server.withMethodHandler(ListTools.self) { _ in
            .init(tools: (MCPTools.specs + MCPLocalTools.specs).map(tool))
        }
        await server.withMethodHandler(CallTool.self) { params in
            let isLocal = MCPLocalTools.specs.contains { $0.name == params.name }
            guard let spec = (MCPTools.specs + MCPLocalTools.specs).first(where: { $0.name == params.name }) else {
                throw MCPError.invalidParams("unknown tool: \(params.name)")
            }
            // Only declared arguments are forwarded; anything else (an `operator` smuggled in, say) is
            // the caller's error (-32602), never silently passed on or dropped.
            let undeclared = Set((params.arguments ?? [:]).keys).subtracting(spec.properties.map(\.0))
            guard undeclared.isEmpty else {
                throw MCPError.invalidParams(
                    "\(params.name) does not take \(undeclared.sorted().joined(separator: ", ")) (its arguments: \(spec.properties.map(\.0).joined(separator: ", ")))")
            }
            do {
                let arguments = (params.arguments ?? [:]).mapValues(plain)
                let answer = isLocal ? try await local.call(params.name, arguments: arguments) : try await tools.call(params.name, arguments: arguments)
                return .init(content: [.text(text: answer, annotations: nil, _meta: nil)], isError: false)
            } catch {
                // A refusal is a tool result with isError, readable by the model (MCP's convention for tool failures).
                return .init(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
            }
        }

        // Not the SDK's StdioTransport: see GuardedStdioTransport for what a hostile client did to it.
        let transport = GuardedStdioTransport(logger: logger)
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
    }

    static func tool(_ spec: MCPTools.Spec) -> Tool {
        var properties: [String: Value] = [:]
        for (name, type, description) in spec.properties { properties[name] = .object(["type": .string(type), "description": .string(description)]) }
        return Tool(
            name: spec.name, description: spec.description,
            inputSchema: .object([
                "type": .string("object"), "properties": .object(properties), "required": .array(spec.required.map { .string($0) }),
                "additionalProperties": .bool(false),
            ]))
    }

    /// MCP values as JSONSerialization-compatible values.
    static func plain(_ v: Value) -> Any {
        switch v {
        case .null: NSNull()
        case .bool(let b): b
        case .int(let i): i
        case .double(let d): d
        case .string(let s): s
        case .data(_, let d): d.base64EncodedString()
        case .array(let a): a.map(plain)
        case .object(let o): o.mapValues(plain)
        }
    }
}
