using Crm.Domain.Common;
using Crm.Platform.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Crm.Platform.Attachments;

/// <summary>
/// Reads a multipart/form-data upload as it arrives: the small fields before the file, then hands the file part's
/// body (a stream over the request) to <c>onFile</c>, so the file goes to Blob Storage without being buffered
/// whole, in memory or on disk (<c>ReadFormAsync</c> would spool it to a temporary file first).
/// </summary>
public static class MultipartUpload
{
    public const string MultipartRequired = "attachment.multipart_required";
    public const string FileMissing = "attachment.file_missing";

    /// <summary>A field is an id or a type name: anything longer is not one.</summary>
    private const int MaxFieldBytes = 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request, Func<IReadOnlyDictionary<string, string>, string?, Stream, Task<T>> onFile, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new UnsupportedMediaTypeException(MultipartRequired, "Send the file as multipart/form-data with a 'file' part (and its fields before it).");
        }
        var reader = new MultipartReader(boundary, request.Body);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (section.GetContentDispositionHeader() is not { } disposition || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (name != "file")
                    {
                        throw new ValidationException(name, "The file goes in the part named 'file'.", FileMissing);
                    }
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    return await onFile(fields, fileName, section.Body);
                }
                using var value = new StreamReader(section.Body);
                var buffer = new char[MaxFieldBytes + 1];
                var read = await value.ReadBlockAsync(buffer, cancellationToken);
                if (read > MaxFieldBytes)
                {
                    throw new ValidationException(name, $"A field may have at most {MaxFieldBytes} characters.");
                }
                fields[name] = new string(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new ValidationException("$", $"The multipart/form-data body cannot be read: {e.Message.TrimEnd('.', ' ')}.", MultipartForms.MalformedCode);
        }
        throw new ValidationException("file", "Send the file in a part named 'file' (with a filename), after the other fields.", FileMissing);
    }
}
