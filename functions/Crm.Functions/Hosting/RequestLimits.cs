using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Crm.Functions.Hosting;

internal sealed class RequestLimitOptions
{
    /// <summary>JSON bodies; file uploads get their own, larger limit where they are accepted.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Refuses bodies over the limit with 413 before any handler reads them.</summary>
internal sealed class RequestLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<RequestLimitOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        // An endpoint taking files (an import) declares its own, larger limit.
        var max = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? options.Value.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            return ProblemWriter.WriteAsync(context, 413, ProblemCodes.TooLarge, "Request body too large", $"The body may have at most {max:N0} bytes.");
        }
        // Bodies without a length (chunked) are cut off by the server as they stream in.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = max;
        }
        return next(context);
    }
}
