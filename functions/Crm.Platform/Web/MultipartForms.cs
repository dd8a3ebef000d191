using Crm.Domain.Common;

namespace Crm.Platform.Web;

/// <summary>Reads a multipart/form-data body; a body the form reader cannot parse is the client's error, not the server's.</summary>
public static class MultipartForms
{
    public const string MalformedCode = "request.malformed_multipart";

    /// <summary>
    /// The form reader throws <see cref="InvalidDataException"/> for a missing or over-long boundary and
    /// <see cref="IOException"/> for a body that ends before its closing boundary; both answer 400 naming the problem.
    /// A client that went away is left to the host.
    /// </summary>
    public static async Task<IFormCollection> ReadMultipartAsync(this HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var why = e is InvalidDataException ? e.Message.TrimEnd('.', ' ') : "it ends before its closing boundary";
            throw new ValidationException("$", $"The multipart/form-data body cannot be read: {why}. Send parts separated by the boundary named in Content-Type, ending with the closing boundary.", MalformedCode);
        }
    }
}
