using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Mvc;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Records;

public sealed record BatchRequest<TInput>([property: Required] IReadOnlyList<TInput> Inputs);

public sealed record BatchIdInput([property: Required] string Id, string? IfMatch = null);

public sealed record BatchUpdateInput([property: Required] string Id, [property: Required] JsonObject Patch, string? IfMatch = null);

/// <summary>One item's outcome: its index in the request, an HTTP status, and the record or the problem.</summary>
public sealed record BatchResult(int Index, int Status, string? Id, object? Record, ProblemDetails? Error = null);

public sealed record BatchResponse(IReadOnlyList<BatchResult> Results);

/// <summary>What a batch did before it is answered: each item's result, and the domain error of each that failed, by index.</summary>
public sealed record BatchOutcome(IReadOnlyList<BatchResult> Results, IReadOnlyDictionary<int, DomainException> Errors);

/// <summary>
/// Runs each item of a batch on its own: one item's failure never undoes another's success.
/// All succeeded: 200; otherwise 207 with each item's status and problem.
/// </summary>
public static class Batch
{
    /// <summary>Declares the two answers of a batch: 200 when every item succeeded, else 207.</summary>
    public static RouteHandlerBuilder ProducesBatch(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<BatchResponse>(StatusCodes.Status200OK).Produces<BatchResponse>(StatusCodes.Status207MultiStatus);

    public const int MaxItems = 100;

    /// <summary>Runs each input on its own; an item's domain error is its outcome, never the batch's.</summary>
    public static async Task<BatchOutcome> RunAsync<TInput>(IReadOnlyList<TInput>? inputs, Func<TInput, int, Task<BatchResult>> run)
    {
        if (inputs is null || inputs.Count is 0 or > MaxItems)
        {
            throw new ValidationException("inputs", $"Give 1 to {MaxItems} inputs.");
        }
        var results = new BatchResult[inputs.Count];
        var errors = new Dictionary<int, DomainException>();
        for (var i = 0; i < inputs.Count; i++)
        {
            try
            {
                var item = inputs[i] ?? throw new ValidationException($"inputs[{i}]", "Required.");
                RequestValidation.Validate<object>(item);
                results[i] = await run(item, i);
            }
            catch (DomainException e)
            {
                results[i] = new BatchResult(i, StatusOf(e).Status, null, null);
                errors[i] = e;
            }
        }
        return new BatchOutcome(results, errors);
    }

    /// <summary>The answer: 200 when every item succeeded, else 207 with each failed item's problem as its own request would get it.</summary>
    public static IResult Answer(BatchOutcome outcome, HttpContext context)
    {
        var results = outcome.Results.Select(r => outcome.Errors.TryGetValue(r.Index, out var e)
            ? r with { Error = Problem(context, r.Status, StatusOf(e).Title, e) }
            : r).ToList();
        var response = new BatchResponse(results);
        return outcome.Errors.Count == 0 ? TypedResults.Ok(response) : TypedResults.Json(response, statusCode: 207);
    }

    /// <summary>Runs a batch and answers it, for endpoints whose items are the whole of the work.</summary>
    public static async Task<IResult> RunAsync<TInput>(BatchRequest<TInput> request, HttpContext context, Func<TInput, int, Task<BatchResult>> run) =>
        Answer(await RunAsync(request.Inputs, run), context);

    /// <summary>
    /// The item's problem as the single-record endpoint would answer it. <see cref="BatchResult.Error"/> is
    /// serialized as its declared type, so field errors and conflict details go into the extensions.
    /// </summary>
    private static ProblemDetails Problem(HttpContext context, int status, string title, DomainException e)
    {
        var problem = ProblemWriter.Create(context, status, e.Code, title, e.Message);
        if (e is ValidationException v)
        {
            problem.Extensions["errors"] = v.Errors;
        }
        var extensions = e switch
        {
            ConflictException c => c.Extensions,
            ForbiddenException f => f.Extensions,
            _ => null,
        };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }
        return problem;
    }

    private static (int Status, string Title) StatusOf(DomainException e) => e switch
    {
        ValidationException => (400, "Invalid input"),
        NotFoundException => (404, "Not found"),
        ConflictException => (409, "Conflict"),
        PreconditionFailedException => (412, "Version mismatch"),
        PreconditionRequiredException => (428, "If-Match required"),
        PayloadTooLargeException => (413, "Too large"),
        ForbiddenException => (403, "Forbidden"),
        _ => (400, "Invalid input"),
    };
}
