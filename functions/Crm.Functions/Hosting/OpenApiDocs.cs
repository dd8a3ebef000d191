using Crm.Platform.ApiKeys;
using Crm.Platform.Tenants;
using Crm.Platform.Web;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Functions.Hosting;

/// <summary>
/// The OpenAPI 3.1 document at <c>/openapi/v1.json</c> and its reference page at <c>/docs</c>. The document is
/// generated from the endpoints and their metadata; <see cref="OpenApiSchemas"/> and <see cref="OpenApiOperations"/>
/// correct what the generator cannot know (the CRM's JSON rules, statuses, headers), so that a client generated
/// from it is typed and honest.
/// </summary>
internal static class OpenApiDocs
{
    public const string BearerScheme = "bearer";
    public const string ApiKeyScheme = "apiKey";

    public static void AddCrmOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            // A form of parts stays in place: generators turn an inline form's parts into parameters (a file part
            // into their file type); a named model of parts would not be sent as a form.
            o.CreateSchemaReferenceId = type => typeof(IMultipartForm).IsAssignableFrom(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            o.AddSchemaTransformer(OpenApiSchemas.Transform);
            o.AddOperationTransformer(OpenApiOperations.TransformAsync);
            o.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                OpenApiOperations.AddSharedComponents(document);
                OpenApiSchemas.MarkAlwaysPresentFields(document);
                OpenApiSchemas.InlineFileParts(document);
                OpenApiSchemas.RemoveUnused(document);
                return Task.CompletedTask;
            });
        });

    public static void UseCrmDocs(this WebApplication app) =>
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "CRM API v1");
            o.DocumentTitle = "CRM API reference";
        });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CRM API",
            Version = "v1",
            Description = "API-first CRM. Errors are RFC 9457 problem details with a stable 'code'. Sign in at POST /api/v1/auth/token "
                + "for a bearer token, or send an API key in X-Api-Key.",
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/v1/auth/token (or an Entra ID token where the tenant allows it).",
        };
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthentication.Header,
            Description = "An API key made at POST /api/v1/api-keys; it acts with its own roles.",
        };
        document.Components.SecuritySchemes[TenantEndpoints.PlatformKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = TenantEndpoints.PlatformKeyHeader,
            Description = "The operator's platform key (CRM_PLATFORM_KEY); only for creating tenants.",
        };
        // Either scheme signs a caller in; operations that need neither say so with their own empty list.
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
        ];
    }
}
