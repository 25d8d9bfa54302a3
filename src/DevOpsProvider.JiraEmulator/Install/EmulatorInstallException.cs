namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// An install (or reinstall) that did not happen: the descriptor could not be fetched or is invalid, or the app
/// refused a lifecycle callback. <see cref="Status"/> and <see cref="Body"/> are what the app answered (0 and "" when
/// it never answered); <see cref="Reason"/> says why in words.
/// </summary>
public sealed class EmulatorInstallException : Exception
{
    public EmulatorInstallException()
        : this("the install failed", 0, "")
    {
    }

    public EmulatorInstallException(string message)
        : this(message, 0, "")
    {
    }

    public EmulatorInstallException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        Body = "";
    }

    public EmulatorInstallException(string reason, int status, string body, Exception? innerException = null)
        : base(status == 0 ? reason : $"{reason} (the app answered {status})", innerException)
    {
        Reason = reason;
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public string Body { get; }

    public string Reason { get; }
}
