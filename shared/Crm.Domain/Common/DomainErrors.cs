namespace Crm.Domain.Common;

/// <summary>
/// Domain failures carry a stable machine code (e.g. <c>department.not_empty</c>); the host maps
/// each kind to one HTTP status and an RFC 9457 problem, so handlers never translate errors.
/// </summary>
public abstract class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Unknown id, or an id outside the caller's tenant or scope (never says which).</summary>
public sealed class NotFoundException(string recordType, string id)
    : DomainException($"{recordType}.not_found", $"No {recordType} with id '{id}'.");

public sealed class ConflictException(string code, string message, IReadOnlyDictionary<string, object?>? extensions = null)
    : DomainException(code, message)
{
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

public sealed class ForbiddenException(string code, string message, IReadOnlyDictionary<string, object?>? extensions = null)
    : DomainException(code, message)
{
    /// <summary>Details for the problem, e.g. the <c>field</c> a field rule keeps the caller from writing.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

public sealed class UnauthorizedException(string code, string message) : DomainException(code, message);

/// <summary>The caller's If-Match no longer matches the stored version.</summary>
public sealed class PreconditionFailedException(string recordType, string id)
    : DomainException("record.version_mismatch", $"The {recordType} '{id}' was changed by someone else; read it again and retry.");

public sealed class PreconditionRequiredException()
    : DomainException("record.if_match_required", "This tenant requires an If-Match header on updates and deletes.");

public sealed class PayloadTooLargeException(string code, string message) : DomainException(code, message);

/// <summary>The body is of a kind the operation does not take (an uploaded file whose sniffed type is not allowed).</summary>
public sealed class UnsupportedMediaTypeException(string code, string message) : DomainException(code, message);

/// <summary>The resource exists but is held back for now (a file waiting for its malware scan): 423, try again later.</summary>
public sealed class LockedException(string code, string message) : DomainException(code, message);

/// <summary>Invalid input, with messages per field (JSON path in camelCase).</summary>
public sealed class ValidationException : DomainException
{
    public ValidationException(IDictionary<string, string[]> errors, string code = "validation.failed")
        : base(code, "One or more fields are invalid.") => Errors = new Dictionary<string, string[]>(errors);

    public ValidationException(string field, string message, string code = "validation.failed")
        : this(new Dictionary<string, string[]> { [field] = [message] }, code)
    {
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>
/// A change that could not get through because others kept changing the same thing first: the request was
/// fine and may simply be sent again (503 with <c>Retry-After</c>), unlike a conflict with the record's state.
/// </summary>
public sealed class BusyException(string code, string message, int retryAfterSeconds = 1) : DomainException(code, message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
