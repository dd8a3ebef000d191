using System.Net;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Crm.ApiTests.Infrastructure;
using Crm.Platform.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.OpenApi;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;

namespace Crm.ApiTests.Conventions;

/// <summary>
/// The OpenAPI document is good enough to generate a typed client from: it validates, says what every operation
/// answers and needs, and a C# client generated from it by NSwag compiles and talks to the service.
/// </summary>
public sealed class OpenApiDocumentTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<string> DocumentTextAsync() => await app.CreateClient().GetStringAsync("/openapi/v1.json");

    private async Task<JsonObject> DocumentAsync() => JsonNode.Parse(await DocumentTextAsync())!.AsObject();

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(m => Methods.Contains(m.Key))
            .Select(m => (p.Key, m.Key, m.Value!.AsObject())));

    private static JsonObject Schema(JsonObject document, string name) => document["components"]!["schemas"]![name]!.AsObject();

    private static string Ref(string name) => $"#/components/schemas/{name}";

    private static IEnumerable<string> Statuses(JsonObject operation) => operation["responses"]!.AsObject().Select(r => r.Key);

    private static IEnumerable<string> HeaderParameters(JsonObject operation) =>
        (operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "header").Select(p => (string)p!["name"]!);

    [Fact]
    public async Task DocumentReadsWithoutErrorsAndPassesTheValidator()
    {
        var (document, diagnostic) = OpenApiDocument.Parse(await DocumentTextAsync(), "json");
        Assert.NotNull(document);
        Assert.True(diagnostic!.Errors.Count == 0, string.Join('\n', diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet()).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Pointer}: {e.Message}")));
    }

    [Fact]
    public async Task ProblemSchemaHasTheCrmMembersAndAllowsExtensions()
    {
        var problem = Schema(await DocumentAsync(), "ProblemDetails");
        var properties = problem["properties"]!.AsObject();
        foreach (var member in new[] { "type", "title", "status", "detail", "instance", "code", "traceId", "errors", "existingId" })
        {
            Assert.True(properties.ContainsKey(member), $"problem schema lacks {member}");
        }
        Assert.Equal("integer", (string?)properties["status"]!["type"]);
        Assert.NotEqual(false, (bool?)problem["additionalProperties"]);
        Assert.Contains("code", problem["required"]!.AsArray().Select(r => (string?)r));
    }

    [Fact]
    public async Task OperationsListOnlyTheStatusesTheyCanAnswer()
    {
        var document = await DocumentAsync();
        var wrong = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var statuses = Statuses(operation).ToHashSet();
            var name = $"{method.ToUpperInvariant()} {path}";
            if (method == "get" && statuses.Overlaps(["201", "412", "413", "415", "422", "428"]))
            {
                wrong.Add($"{name}: {string.Join(',', statuses)}");
            }
            if (method != "post" && statuses.Contains("201"))
            {
                wrong.Add($"{name} documents 201");
            }
            if (!HeaderParameters(operation).Contains("If-Match") && statuses.Overlaps(["412", "428"]))
            {
                wrong.Add($"{name} documents 412/428 without If-Match");
            }
            if (operation["requestBody"] is null && statuses.Overlaps(["413", "415"]))
            {
                wrong.Add($"{name} documents 413/415 without a body");
            }
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                if (status.StartsWith('4') || status.StartsWith('5'))
                {
                    var schema = response!["content"]?["application/problem+json"]?["schema"]?["$ref"];
                    if ((string?)schema != Ref("ProblemDetails"))
                    {
                        wrong.Add($"{name} {status} is not a problem");
                    }
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));

        var create = document["paths"]!["/api/v1/customers"]!["post"]!.AsObject();
        Assert.Equal(["201", "400", "401", "403", "409", "413", "415", "422", "429", "503"], Statuses(create).Order());
        var read = document["paths"]!["/api/v1/customers/{id}"]!["get"]!.AsObject();
        Assert.Equal(["200", "400", "401", "403", "404", "429"], Statuses(read).Order());
        var download = document["paths"]!["/api/v1/exports/{id}/file"]!["get"]!.AsObject();
        Assert.Contains("409", Statuses(download));
    }

    [Fact]
    public async Task BatchOperationsDocumentBothAnswersWithTheirSchema()
    {
        var document = await DocumentAsync();
        var batches = Operations(document).Where(o => ((string?)o.Operation["operationId"])?.StartsWith("Batch", StringComparison.Ordinal) == true).ToList();
        Assert.True(batches.Count >= 30, $"{batches.Count} batch operations");
        foreach (var (path, _, operation) in batches)
        {
            foreach (var status in new[] { "200", "207" })
            {
                Assert.Equal(Ref("BatchResponse"), (string?)operation["responses"]![status]?["content"]?["application/json"]?["schema"]?["$ref"]);
            }
            Assert.NotNull(operation["requestBody"]);
        }
        var results = Schema(document, "BatchResult")["properties"]!.AsObject();
        Assert.True(results.ContainsKey("status") && results.ContainsKey("error"));

        // Batch creates take the record's create schema, batch updates typed patches.
        var batchCreate = document["paths"]!["/api/v1/customers/batch/create"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var inputs = batchCreate["$ref"] is { } createRef ? Schema(document, ((string)createRef!).Split('/')[^1])["properties"]!["inputs"]! : batchCreate["properties"]!["inputs"]!;
        Assert.Equal(Ref("CustomerFields"), (string?)inputs["items"]!["$ref"]);
        var batchUpdate = Schema(document, "CustomerBatchUpdate")["properties"]!["inputs"]!["items"]!;
        Assert.Equal(Ref("CustomerPatch"), (string?)batchUpdate["properties"]!["patch"]!["$ref"]);
        Assert.Equal(100, (int?)Schema(document, "CustomerBatchUpdate")["properties"]!["inputs"]!["maxItems"]);
    }

    [Fact]
    public async Task PatchBodiesAreTypedWithEveryFieldOptionalAndNullable()
    {
        var document = await DocumentAsync();
        var patches = Operations(document).Where(o => o.Method == "patch").ToList();
        Assert.True(patches.Count >= 15, $"{patches.Count} PATCH operations");
        foreach (var (path, _, operation) in patches)
        {
            var content = operation["requestBody"]!["content"]!.AsObject();
            Assert.True(content.ContainsKey("application/merge-patch+json"), path);
            var reference = (string?)content["application/merge-patch+json"]!["schema"]!["$ref"];
            Assert.True(reference?.EndsWith("Patch", StringComparison.Ordinal) == true, $"{path} patch body is {reference}");
            var schema = Schema(document, reference!.Split('/')[^1]);
            Assert.Null(schema["required"]);
            Assert.Equal(false, (bool?)schema["additionalProperties"]);
            var properties = schema["properties"]!.AsObject();
            Assert.NotEmpty(properties);
            foreach (var (field, property) in properties)
            {
                var nullable = property!["type"] is JsonArray types ? types.Any(t => (string?)t == "null")
                    : property["oneOf"] is JsonArray options && options.Any(o => (string?)o!["type"] == "null");
                Assert.True(nullable, $"{reference}.{field} cannot be null");
            }
        }
        var customer = Schema(document, "CustomerPatch")["properties"]!.AsObject();
        Assert.True(customer.ContainsKey("name") && customer.ContainsKey("level") && customer.ContainsKey("customFields"));
        Assert.False(customer.ContainsKey("id") || customer.ContainsKey("version") || customer.ContainsKey("lockedAt"), "read-only fields in the patch");
    }

    [Fact]
    public async Task ImportFormNamesItsPartsAndDownloadsDeclareTheirMediaTypes()
    {
        var document = await DocumentAsync();
        var form = document["paths"]!["/api/v1/imports"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        var parts = form.AsObject();
        var properties = parts["properties"]!.AsObject();
        Assert.True(properties.ContainsKey("file") && properties.ContainsKey("entityType") && properties.ContainsKey("mode") && properties.ContainsKey("keyField") && properties.ContainsKey("dryRun"));
        Assert.Equal(["entityType", "file"], parts["required"]!.AsArray().Select(r => (string)r!).Order());
        var file = properties["file"]!["$ref"] is { } fileRef ? Schema(document, ((string)fileRef!).Split('/')[^1]) : properties["file"]!.AsObject();
        Assert.Equal("binary", (string?)file["format"]);

        var export = document["paths"]!["/api/v1/exports/{id}/file"]!["get"]!["responses"]!["200"]!["content"]!.AsObject();
        Assert.Equal(["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"], export.Select(c => c.Key).Order());
        Assert.Equal("binary", (string?)export["text/csv"]!["schema"]!["format"]);
        Assert.True(document["paths"]!["/api/v1/customers/export"]!["get"]!["responses"]!["200"]!["content"]!.AsObject().ContainsKey("text/csv"));
        Assert.True(document["paths"]!["/api/v1/imports/{id}/errors"]!["get"]!["responses"]!["200"]!["content"]!.AsObject().ContainsKey("text/csv"));
    }

    [Fact]
    public async Task DatesEnumsAndNumbersHaveTheirTypes()
    {
        var document = await DocumentAsync();
        var wrong = new List<string>();
        Walk(document, "#", (pointer, node) =>
        {
            // "type" is also a property name (of the problem schema): only a string or an array of them is a schema's type.
            var types = node["type"] switch
            {
                JsonArray array => array.Select(t => (string?)t).ToList(),
                JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => [(string?)value],
                _ => [],
            };
            if (node["format"] is JsonValue format && (string?)format is "date-time" or "date" && !types.Contains("string"))
            {
                wrong.Add($"{pointer}: {format} without type string");
            }
            if (node["enum"] is JsonArray values && (types.Count == 0 || values.Any(v => v is null)))
            {
                wrong.Add($"{pointer}: enum without a type, or with null");
            }
            if (types.Contains("integer") && types.Contains("string"))
            {
                wrong.Add($"{pointer}: integer or string");
            }
        });
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(30)));
        Assert.Equal("string", (string?)Schema(document, "Customer")["properties"]!["createdAt"]!["type"]);
    }

    [Fact]
    public async Task ListsDeclareLimitAndTheirFieldFiltersWithTypes()
    {
        var document = await DocumentAsync();
        var list = document["paths"]!["/api/v1/customers"]!["get"]!["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!["schema"]!);
        Assert.Equal("integer", (string?)list["limit"]["type"]);
        Assert.Equal(200, (int?)list["limit"]["maximum"]);
        foreach (var filter in new[] { "level", "source", "ownerId", "address.city", "tags" })
        {
            Assert.Equal("string", (string?)list[filter]["type"]);
        }
        Assert.Equal("date-time", (string?)list["lastFollowUpAt"]["format"]);
        var limits = Operations(document)
            .SelectMany(o => (o.Operation["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["name"] == "limit").Select(p => (o.Path, p!["schema"]!)))
            .Where(l => (string?)l.Item2["type"] != "integer").Select(l => l.Path).ToList();
        Assert.Empty(limits);
        Assert.Contains(document["paths"]!["/api/v1/pool"]!["get"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "level");
    }

    [Fact]
    public async Task RecordSchemasListTheFieldsEveryAnswerHas()
    {
        var document = await DocumentAsync();
        foreach (var record in new[] { "Customer", "Contact", "Lead", "Opportunity", "FollowUp", "Department", "User" })
        {
            var required = Schema(document, record)["required"]?.AsArray().Select(r => (string)r!).ToList() ?? [];
            Assert.True(new[] { "id", "version", "createdAt", "updatedAt" }.All(required.Contains), $"{record} requires {string.Join(',', required)}");
        }
        // A page always has its items and its cursor (null on the last page).
        Assert.Equal(["items", "nextCursor"], Schema(document, "PageOfCustomer")["required"]!.AsArray().Select(r => (string)r!).Order());
        // What a client sends keeps what it must send, not what answers have.
        Assert.Equal(["name"], Schema(document, "CustomerFields")["required"]!.AsArray().Select(r => (string)r!));
    }

    [Fact]
    public async Task ConventionHeadersAreDocumented()
    {
        var document = await DocumentAsync();
        foreach (var (path, method, operation) in Operations(document))
        {
            var headers = HeaderParameters(operation).ToList();
            var anonymous = operation["security"] is JsonArray { Count: 0 } || path.StartsWith("/api/v1/tenants", StringComparison.Ordinal);
            Assert.True(method != "post" || anonymous || headers.Contains("Idempotency-Key"), $"POST {path} without Idempotency-Key");
            Assert.True(method is not ("patch" or "delete") || headers.Contains("If-Match"), $"{method} {path} without If-Match");
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                var declared = response!["headers"]?.AsObject().Select(h => h.Key).ToList() ?? [];
                Assert.True(declared.Contains("RateLimit") && declared.Contains("RateLimit-Policy"), $"{method} {path} {status} without RateLimit");
                Assert.True(status is not ("429" or "503") || declared.Contains("Retry-After"), $"{method} {path} {status} without Retry-After");
                Assert.True(status != "201" || declared.Contains("Location"), $"{method} {path} 201 without Location");
            }
        }
        Assert.True(document["paths"]!["/api/v1/customers/{id}"]!["get"]!["responses"]!["200"]!["headers"]!.AsObject().ContainsKey("ETag"));
        Assert.True(document["paths"]!["/api/v1/customers/{id}"]!["patch"]!["responses"]!["200"]!["headers"]!.AsObject().ContainsKey("ETag"));
        var components = document["components"]!["headers"]!.AsObject();
        Assert.True(new[] { "ETag", "Location", "RateLimit", "RateLimit-Policy", "Retry-After" }.All(components.ContainsKey));
    }

    [Fact]
    public async Task SecuritySchemesIncludeApiKeysAndAnonymousRoutesSaySo()
    {
        var document = await DocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("http", (string?)schemes["bearer"]!["type"]);
        Assert.Equal("apiKey", (string?)schemes["apiKey"]!["type"]);
        Assert.Equal("X-Api-Key", (string?)schemes["apiKey"]!["name"]);
        Assert.Equal("header", (string?)schemes["apiKey"]!["in"]);
        Assert.Equal(2, document["security"]!.AsArray().Count);

        var anonymous = Operations(document).Where(o => o.Operation["security"] is JsonArray { Count: 0 }).Select(o => o.Path).ToHashSet();
        Assert.Contains("/api/v1/auth/token", anonymous);
        Assert.Contains("/api/v1/auth/refresh", anonymous);
        Assert.Contains("/healthz", anonymous);
        Assert.Contains("/readyz", anonymous);
        Assert.All(anonymous, p => Assert.True(p.StartsWith("/api/v1/auth/", StringComparison.Ordinal) || p is "/healthz" or "/readyz", $"{p} is anonymous"));
        var tenants = document["paths"]!["/api/v1/tenants"]!["post"]!["security"]!.AsArray();
        Assert.True(tenants.Single()!.AsObject().ContainsKey("platformKey"));
    }

    [Fact]
    public async Task EveryOperationDescribesItselfAndItsPermissionFromTheEndpoint()
    {
        var document = await DocumentAsync();
        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .ToDictionary(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName);
        var wrong = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = (string?)operation["operationId"];
            var description = (string?)operation["description"] ?? "";
            if (id is null || !endpoints.TryGetValue(id, out var endpoint))
            {
                wrong.Add($"{method} {path}: no named endpoint");
                continue;
            }
            var summary = (string?)operation["summary"] ?? "";
            var expected = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? (path == "/api/v1/tenants" ? "platform key" : "No sign-in needed")
                : endpoint.Metadata.GetMetadata<RequiredPermission>()?.Permission is { } permission ? $"Permission: {permission}."
                : "Any signed-in caller";
            if (summary.Length == 0 || !description.StartsWith(summary, StringComparison.Ordinal) || !description.Contains(expected, StringComparison.Ordinal))
            {
                wrong.Add($"{method} {path}: '{description}' (expected '{expected}')");
            }
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task GeneratedCSharpClientCompilesAndTalksToTheService()
    {
        var openApi = await NSwag.OpenApiDocument.FromJsonAsync(await DocumentTextAsync());
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "CrmClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new NSwag.CodeGeneration.OperationNameGenerators.SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = "Crm.Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(openApi, settings).GenerateFile();

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Crm.Generated", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var assemblyImage = new MemoryStream();
        var emitted = compilation.Emit(assemblyImage);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, "The generated client does not compile:\n" + string.Join('\n', errors));

        // The client reads what the service writes: a customer made through the API, read back typed.
        var tenant = await app.NewTenantAsync();
        var name = $"Generated {Api.Stamp()}";
        var created = await tenant.Admin.PostJsonAsync("/api/v1/customers", new { name }, HttpStatusCode.Created);
        assemblyImage.Position = 0;
        var context = new AssemblyLoadContext("generated-client", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(assemblyImage);
            var clientType = assembly.GetType("Crm.Generated.CrmClient")!;
            var client = Activator.CreateInstance(clientType, tenant.Admin)!;
            var getCustomer = clientType.GetMethods().Single(m => m.Name == "GetCustomerAsync" && m.GetParameters().Length == 1);
            var task = (Task)getCustomer.Invoke(client, [created.Id()])!;
            await task;
            var customer = task.GetType().GetProperty("Result")!.GetValue(task)!;
            Assert.Equal(name, customer.GetType().GetProperty("Name")!.GetValue(customer));
            Assert.Equal(created.Str("version"), customer.GetType().GetProperty("Version")!.GetValue(customer));
            Assert.IsType<DateTimeOffset>(customer.GetType().GetProperty("CreatedAt")!.GetValue(customer));
        }
        finally
        {
            context.Unload();
        }
    }

    private static void Walk(JsonNode? node, string pointer, Action<string, JsonObject> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                visit(pointer, obj);
                foreach (var (key, child) in obj)
                {
                    Walk(child, $"{pointer}/{key}", visit);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{pointer}/{i}", visit);
                }
                break;
        }
    }
}
