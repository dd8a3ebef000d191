using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Functions.Hosting;

/// <summary>
/// Schema corrections for what the generator cannot see: times go through the CRM's own converter (so it
/// gives them no type), enums are camelCase strings, problems carry the CRM's extension members, and which
/// fields an answer always has.
/// </summary>
internal static class OpenApiSchemas
{
    /// <summary>Marks, until the document is complete, the fields an answer of the type always has.</summary>
    private const string AlwaysPresentMark = "x-crm-always-present";

    public static Task Transform(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        var core = Nullable.GetUnderlyingType(type) ?? type;
        if (core == typeof(DateTimeOffset) || core == typeof(DateTime))
        {
            schema.Type = JsonSchemaType.String | (nullable ? JsonSchemaType.Null : 0);
            schema.Format = "date-time";
        }
        else if (core.IsEnum)
        {
            // The enum's component is shared by nullable and plain uses; a null member would make every use nullable.
            schema.Type = JsonSchemaType.String;
            schema.Enum = schema.Enum?.Where(v => v is not null).ToList();
        }
        else if (typeof(ProblemDetails).IsAssignableFrom(core))
        {
            Problem(schema);
        }
        else if (context.JsonPropertyInfo is null && context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            MarkAlwaysPresent(schema, context.JsonTypeInfo);
        }
        return Task.CompletedTask;
    }

    /// <summary>RFC 9457 with the members every CRM problem has (ProblemWriter), open to extension members.</summary>
    public static void Problem(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.Object;
        schema.Description = "RFC 9457 problem details. 'code' is stable and machine-readable; more members may follow it.";
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("urn:crm:problem:{code}"),
            ["title"] = Text("A short summary of the kind of problem."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
            ["detail"] = Text("What went wrong with this request and how to put it right.", nullable: true),
            ["instance"] = Text("The request path."),
            ["code"] = Text("Stable error code, such as customer.duplicate_name or record.version_mismatch."),
            ["traceId"] = Text("Identifies the request in the service's logs."),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Input errors: each field (a JSON path such as inputs[2].name) with what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["existingId"] = Text("With a 409 for a duplicate: the id of the record that already exists."),
        };
        schema.Required = new HashSet<string>(["type", "title", "status", "code", "traceId"]);
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
    }

    /// <summary>
    /// An answer writes every member, null or not, except those ignored when null and, in a record, those a
    /// field rule may hide: of a record, only the fields no rule can hide are always there. Which schemas
    /// are answers is known once the document is complete (<see cref="MarkAlwaysPresentFields"/>).
    /// </summary>
    private static void MarkAlwaysPresent(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        var always = typeof(RecordBase).IsAssignableFrom(info.Type)
            ? info.Properties.Where(p => FieldRules.AlwaysShown.Contains(p.Name))
            : info.Properties.Where(p => p.ShouldSerialize is null && p.Get is not null);
        schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        schema.Extensions[AlwaysPresentMark] = new JsonNodeExtension(new JsonArray([.. always.Select(p => (JsonNode)p.Name)]));
    }

    /// <summary>
    /// A schema used only by answers lists as required the members every answer has, so a generated client may
    /// rely on them; a schema a request uses keeps the generator's required members (what a client must send).
    /// </summary>
    public static void MarkAlwaysPresentFields(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return;
        }
        var inRequests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).Select(o => o.Value))
        {
            foreach (var content in operation.RequestBody?.Content?.Values ?? [])
            {
                Reach(content.Schema, schemas, inRequests);
            }
            foreach (var parameter in operation.Parameters ?? [])
            {
                Reach(parameter.Schema, schemas, inRequests);
            }
        }
        foreach (var (name, component) in schemas)
        {
            if (!inRequests.Contains(name) && component is OpenApiSchema { Extensions: { } extensions } schema
                && extensions.TryGetValue(AlwaysPresentMark, out var mark) && mark is JsonNodeExtension { Node: JsonArray always })
            {
                schema.Required = new HashSet<string>(always.Select(n => n!.GetValue<string>()), StringComparer.Ordinal);
            }
        }
        ForEachSchema(document, schema => schema.Extensions?.Remove(AlwaysPresentMark));
    }

    /// <summary>
    /// A file part is a binary string in place rather than a reference to an IFormFile model: generators see a
    /// file only so (NSwag emits its FileParameter type only for one).
    /// </summary>
    public static void InlineFileParts(OpenApiDocument document) =>
        ForEachSchema(document, schema =>
        {
            foreach (var (name, property) in schema.Properties?.ToList() ?? [])
            {
                if (property is OpenApiSchemaReference { Reference.Id: nameof(IFormFile) })
                {
                    schema.Properties![name] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                }
            }
        });

    /// <summary>Every schema written out in the document (components and operations), without following references.</summary>
    private static void ForEachSchema(OpenApiDocument document, Action<OpenApiSchema> visit)
    {
        var roots = (document.Components?.Schemas?.Values ?? []).ToList();
        foreach (var operation in (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).Select(o => o.Value))
        {
            roots.AddRange((operation.RequestBody?.Content?.Values ?? []).Select(m => m.Schema).OfType<IOpenApiSchema>());
            roots.AddRange((operation.Responses ?? []).Values.SelectMany(r => r.Content?.Values ?? []).Select(m => m.Schema).OfType<IOpenApiSchema>());
            roots.AddRange((operation.Parameters ?? []).Select(p => p.Schema).OfType<IOpenApiSchema>());
        }
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<IOpenApiSchema>(roots);
        while (pending.TryPop(out var next))
        {
            if (next is not OpenApiSchema schema || !seen.Add(schema))
            {
                continue;
            }
            visit(schema);
            foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? [])
                .Append(schema.Items).Append(schema.AdditionalProperties).OfType<IOpenApiSchema>())
            {
                pending.Push(child);
            }
        }
    }

    /// <summary>
    /// Drops the schemas no operation refers to any more: those of the loose bodies the operation transformer
    /// replaced with typed ones (a batch of JSON elements, a JSON object for a patch), which a client would
    /// otherwise get as dead classes.
    /// </summary>
    public static void RemoveUnused(OpenApiDocument document)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return;
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in (document.Paths ?? []).SelectMany(p => p.Value.Operations ?? []).Select(o => o.Value))
        {
            var bodies = (operation.RequestBody?.Content?.Values ?? [])
                .Concat((operation.Responses ?? []).Values.SelectMany(r => r.Content?.Values ?? []));
            foreach (var media in bodies)
            {
                Reach(media.Schema, schemas, used);
            }
            foreach (var parameter in operation.Parameters ?? [])
            {
                Reach(parameter.Schema, schemas, used);
            }
        }
        foreach (var name in schemas.Keys.Where(n => !used.Contains(n)).ToList())
        {
            schemas.Remove(name);
        }
    }

    /// <summary>Every component a schema refers to, directly or through others.</summary>
    private static void Reach(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> components, HashSet<string> reached)
    {
        switch (schema)
        {
            case null:
                return;
            case OpenApiSchemaReference reference:
                if (reference.Reference.Id is { } id && reached.Add(id) && components.TryGetValue(id, out var target))
                {
                    Reach(target, components, reached);
                }
                return;
        }
        foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? []))
        {
            Reach(child, components, reached);
        }
        Reach(schema.Items, components, reached);
        Reach(schema.AdditionalProperties, components, reached);
    }

    private static OpenApiSchema Text(string description, bool nullable = false) =>
        new() { Type = JsonSchemaType.String | (nullable ? JsonSchemaType.Null : 0), Description = description };
}
