using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crm.Functions.Hosting;

/// <summary>The OpenAPI 3.1 document at <c>/openapi/v1.json</c> and its reference page at <c>/docs</c>.</summary>
internal static class OpenApiDocs
{
    public static void AddCrmOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CRM API",
                    Version = "v1",
                    Description = "API-first CRM. Errors are RFC 9457 problem details with a stable 'code'. Sign in at POST /api/v1/auth/token.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
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

    /// <summary>Every endpoint may answer these problems; declaring them once keeps the document honest.</summary>
    public static RouteGroupBuilder WithStandardProblems(this RouteGroupBuilder group)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429 })
        {
            group.ProducesProblem(status);
        }
        return group;
    }
}
