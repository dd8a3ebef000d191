using System.Collections;
using System.Text.Json.Serialization.Metadata;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Functions.Hosting;

/// <summary>
/// Per operation, what the pipeline around the handler adds: who may call it, the problems it can answer
/// (by method, route and body, plus any the endpoint declares), the headers of the API's conventions, and the
/// typed shapes of bodies the handler reads loosely (merge patches, batch items, files, list filters).
/// </summary>
internal static class OpenApiOperations
{
    private const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<int, string> ProblemDescriptions = new()
    {
        [400] = "The request is malformed or a value is invalid; 'errors' names each field.",
        [401] = "Not signed in, or the credentials are wrong, expired or revoked.",
        [403] = "The caller lacks the permission, or the record is outside what their data scope lets them do.",
        [404] = "No such record, or the caller cannot see it.",
        [409] = "The change conflicts with the record's state or another record (a duplicate names it in 'existingId'), or the same Idempotency-Key is still running.",
        [412] = "If-Match does not match the record's current version: read it again and reapply the change.",
        [413] = "The body, or a list in it, is larger than allowed.",
        [415] = "The body's media type is not one this operation reads.",
        [422] = "The Idempotency-Key was used before with another body.",
        [428] = "The tenant requires If-Match on changes; send the version last read.",
        [429] = "Too many requests for the tenant or API key; wait as Retry-After says.",
        [503] = "The record is busy with other writers; retry after Retry-After seconds.",
    };

    /// <summary>Response headers every operation may send, declared once in the components.</summary>
    private static readonly Dictionary<string, OpenApiHeader> SharedHeaders = new()
    {
        ["ETag"] = Header("The record's version; send it back in If-Match to change the record only if nobody else has."),
        ["Location"] = Header("The URL of the record made."),
        ["RateLimit"] = Header("IETF RateLimit: the policy's remaining requests (r) and seconds until the bucket is full (t)."),
        ["RateLimit-Policy"] = Header("IETF RateLimit-Policy: the bucket's quota (q) per window (w) seconds."),
        ["Retry-After"] = Header("Seconds to wait before trying again.", JsonSchemaType.Integer),
        ["Idempotent-Replayed"] = Header("'true' when this is the stored answer of an earlier request with the same Idempotency-Key."),
    };

    public static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation transformer runs with its document.");
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod?.ToUpperInvariant() ?? "GET";
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var keyHeader = metadata.OfType<KeyHeaderSecurity>().LastOrDefault();

        operation.Description = $"{operation.Summary}. {WhoMayCall(metadata, anonymous, keyHeader)}";
        if (anonymous)
        {
            operation.Security = keyHeader is null
                ? []
                : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(keyHeader.Scheme, document)] = [] }];
        }

        await TypeRequestBodyAsync(operation, context, metadata, document, cancellationToken);
        DeclareListParameters(operation, metadata);
        DeclareFiles(operation, metadata);

        var checksIfMatch = method is "PATCH" or "PUT" or "DELETE" || metadata.OfType<ChecksIfMatch>().Any();
        var isWrite = method != "GET";
        operation.Parameters ??= [];
        if (method == "POST" && !anonymous)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.Header,
                In = ParameterLocation.Header,
                Description = "Any unique string (a UUID, say) up to 255 characters: a repeat with the same key and body within 24 hours gets the first answer again instead of acting twice.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
            });
        }
        if (checksIfMatch)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Description = "The ETag last read: the change is made only if the record is still at that version (412 otherwise). Without it the last write wins, unless the tenant requires it (428).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        var statuses = new SortedSet<int> { 400, 429 };
        if (!anonymous || isWrite)
        {
            statuses.Add(401);
        }
        if (!anonymous)
        {
            statuses.Add(403);
        }
        if (description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path))
        {
            statuses.Add(404);
        }
        if (isWrite && !anonymous)
        {
            statuses.UnionWith([409, 503]);
        }
        if (checksIfMatch)
        {
            statuses.UnionWith([412, 428]);
        }
        if (operation.RequestBody is not null)
        {
            statuses.UnionWith([413, 415]);
        }
        if (method == "POST" && !anonymous)
        {
            statuses.Add(422);
        }
        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = new OpenApiResponse { Description = ProblemDescriptions[status] };
            }
        }

        var returnsRecord = description.SupportedResponseTypes
            .Where(r => r.StatusCode is 200 or 201)
            .Any(r => r.Type is { } t && typeof(RecordBase).IsAssignableFrom(t));
        foreach (var (key, response) in operation.Responses)
        {
            if (response is not OpenApiResponse answer)
            {
                continue;
            }
            var status = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            if (status >= 400)
            {
                // One problem schema for every error, whatever the generator inferred.
                answer.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                };
            }
            answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
            AddHeader(answer, document, "RateLimit");
            AddHeader(answer, document, "RateLimit-Policy");
            if (status is 429 or 503)
            {
                AddHeader(answer, document, "Retry-After");
            }
            if (status == 201)
            {
                AddHeader(answer, document, "Location");
            }
            if (returnsRecord && status is 200 or 201)
            {
                AddHeader(answer, document, "ETag");
            }
            if (method == "POST" && !anonymous && status < 300)
            {
                AddHeader(answer, document, "Idempotent-Replayed");
            }
        }
    }

    /// <summary>The problem schema and the shared headers the operations refer to.</summary>
    public static void AddSharedComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchema))
        {
            var problem = new OpenApiSchema();
            OpenApiSchemas.Problem(problem);
            document.Components.Schemas[ProblemSchema] = problem;
        }
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in SharedHeaders)
        {
            document.Components.Headers[name] = header;
        }
    }

    private static string WhoMayCall(IList<object> metadata, bool anonymous, KeyHeaderSecurity? keyHeader)
    {
        if (keyHeader is not null)
        {
            return "Needs the platform key; no sign-in.";
        }
        if (anonymous)
        {
            return "No sign-in needed.";
        }
        // The most specific declaration wins, as the permission middleware reads it.
        return metadata.OfType<RequiredPermission>().LastOrDefault()?.Permission is { } permission
            ? $"Permission: {permission}."
            : "Any signed-in caller; what they may see and change inside follows their data scope and roles.";
    }

    private static async Task TypeRequestBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata,
        OpenApiDocument document, CancellationToken cancellationToken)
    {
        IOpenApiSchema? schema = null;
        if (metadata.OfType<MergePatchBody>().LastOrDefault() is { } patch)
        {
            schema = await PatchSchemaAsync(patch.Changes, context, document, cancellationToken);
        }
        else if (metadata.OfType<BatchPatchBody>().LastOrDefault() is { } batchPatch)
        {
            var patchSchema = await PatchSchemaAsync(batchPatch.Changes, context, document, cancellationToken);
            schema = BatchSchema(Named(batchPatch.Changes) + "BatchUpdate", document, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>(["id", "patch"]),
                AdditionalPropertiesAllowed = false,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["patch"] = patchSchema,
                    ["ifMatch"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The ETag last read of this record." },
                },
            });
        }
        else if (metadata.OfType<BatchCreateBody>().LastOrDefault() is { } batchCreate)
        {
            // The item is the create operation's own body schema, a component named after its type.
            schema = BatchSchema(Named(batchCreate.Input) + "BatchCreate", document, new OpenApiSchemaReference(batchCreate.Input.Name, document));
        }
        if (schema is not null && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values)
            {
                media.Schema = schema;
            }
        }
    }

    /// <summary>
    /// <c>{Type}Patch</c>: the editable view's fields, none required, each nullable (null clears it; inside
    /// customFields it removes the key), no others allowed: an unknown field is a 400.
    /// </summary>
    private static async Task<IOpenApiSchema> PatchSchemaAsync(Type changes, OpenApiOperationTransformerContext context, OpenApiDocument document,
        CancellationToken cancellationToken)
    {
        var name = Named(changes) + "Patch";
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(name))
        {
            var view = await context.GetOrCreateSchemaAsync(changes, null, cancellationToken);
            document.Components.Schemas[name] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "A JSON merge patch (RFC 7386): only the fields to change; null clears a field.",
                Properties = (view.Properties ?? new Dictionary<string, IOpenApiSchema>()).ToDictionary(p => p.Key, p => OrNull(p.Value)),
                AdditionalPropertiesAllowed = false,
            };
        }
        return new OpenApiSchemaReference(name, document);
    }

    /// <summary>A batch body, <c>{"inputs": [...]}</c> of 1 to 100 items, as a component of its own so a client gets a named type.</summary>
    private static OpenApiSchemaReference BatchSchema(string name, OpenApiDocument document, IOpenApiSchema item)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[name] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string>(["inputs"]),
            AdditionalPropertiesAllowed = false,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["inputs"] = new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, MaxItems = Platform.Records.Batch.MaxItems, Items = item },
            },
        };
        return new OpenApiSchemaReference(name, document);
    }

    /// <summary>A body type's name without the prefix or suffix that says what kind of body it is (CustomerFields, CreateOpportunity: Customer, Opportunity).</summary>
    private static string Named(Type type) =>
        type.Name.EndsWith("Fields", StringComparison.Ordinal) ? type.Name[..^"Fields".Length]
        : type.Name.StartsWith("Create", StringComparison.Ordinal) ? type.Name["Create".Length..]
        : type.Name;

    private static IOpenApiSchema OrNull(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchemaReference)
        {
            return new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, schema] };
        }
        if (schema is OpenApiSchema { Type: { } type } && (type & JsonSchemaType.Null) == 0 && schema.CreateShallowCopy() is OpenApiSchema copy)
        {
            copy.Type = type | JsonSchemaType.Null;
            return copy;
        }
        return schema;
    }

    /// <summary>limit, cursor, sort and q with their rules, and a query parameter per filterable field, typed as the record has it.</summary>
    private static void DeclareListParameters(OpenApiOperation operation, IList<object> metadata)
    {
        if (metadata.OfType<ListFilters>().LastOrDefault() is not { } filters)
        {
            return;
        }
        operation.Parameters ??= [];
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            switch (parameter.Name)
            {
                case "limit":
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "200", Default = 50 };
                    parameter.Description = "Records per page, 1 to 200 (50 if not given).";
                    break;
                case "cursor":
                    parameter.Description = "The nextCursor of the previous page; only valid with the same filters and sort.";
                    break;
                case "sort":
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Default = ListQuery.DefaultSort };
                    parameter.Description = $"One of {string.Join(", ", ListQuery.Sorts)}, or {ListQuery.CustomFieldSortPrefix}{{key}} (with '-' first for descending) for a sortable custom field.";
                    break;
                case "q":
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 100 };
                    parameter.Description = "Prefix search over the record's names, phone digits and e-mail (only fields the caller may see).";
                    break;
            }
        }
        var declared = operation.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var info = CrmJson.Options.GetTypeInfo(filters.Record);
        foreach (var field in filters.Fields.Where(f => !declared.Contains(f)).Order(StringComparer.Ordinal))
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = field,
                In = ParameterLocation.Query,
                Description = $"Only records whose {field} equals this value (for a list such as tags: contains it).",
                Schema = FieldSchema(info, field),
            });
        }
    }

    /// <summary>A filter value's schema from the record's own member, following a dotted path (address.city).</summary>
    private static OpenApiSchema FieldSchema(JsonTypeInfo info, string path)
    {
        var type = info.Type;
        foreach (var part in path.Split('.'))
        {
            var property = CrmJson.Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == part);
            if (property is null)
            {
                return new OpenApiSchema { Type = JsonSchemaType.String };
            }
            type = property.PropertyType;
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type != typeof(string) && type.IsAssignableTo(typeof(IEnumerable)) && type.IsGenericType)
        {
            type = type.GetGenericArguments()[0];
        }
        return type switch
        {
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            _ when type == typeof(bool) => new OpenApiSchema { Type = JsonSchemaType.Boolean },
            _ when type == typeof(int) || type == typeof(long) => new OpenApiSchema { Type = JsonSchemaType.Integer },
            _ when type == typeof(decimal) || type == typeof(double) => new OpenApiSchema { Type = JsonSchemaType.Number },
            _ => new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }

    private static void DeclareFiles(OpenApiOperation operation, IList<object> metadata)
    {
        if (metadata.OfType<FileDownload>().LastOrDefault() is not { } file)
        {
            return;
        }
        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "The file.",
            Content = file.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }),
        };
    }

    private static void AddHeader(OpenApiResponse response, OpenApiDocument document, string name) =>
        response.Headers![name] = new OpenApiHeaderReference(name, document);

    private static OpenApiHeader Header(string description, JsonSchemaType type = JsonSchemaType.String) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };
}
